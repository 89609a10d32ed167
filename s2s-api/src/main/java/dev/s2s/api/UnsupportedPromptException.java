package dev.s2s.api;

/** Raised when a language model is given a prompt kind it does not accept. */
public class UnsupportedPromptException extends S2sException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public UnsupportedPromptException(String message) {
        super(message);
    }

    /** @param message what went wrong @param cause the underlying failure */
    public UnsupportedPromptException(String message, Throwable cause) {
        super(message, cause);
    }
}
