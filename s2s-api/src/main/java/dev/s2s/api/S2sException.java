package dev.s2s.api;

/** Base of all exceptions the s2s library raises. Unchecked, with a message that names the problem. */
public class S2sException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, in words a user can act on */
    public S2sException(String message) {
        super(message);
    }

    /** @param message what went wrong @param cause the underlying failure */
    public S2sException(String message, Throwable cause) {
        super(message, cause);
    }
}
