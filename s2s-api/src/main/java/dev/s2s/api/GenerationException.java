package dev.s2s.api;

/** Raised when language-model generation fails. */
public class GenerationException extends S2sException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public GenerationException(String message) {
        super(message);
    }

    /** @param message what went wrong @param cause the underlying failure */
    public GenerationException(String message, Throwable cause) {
        super(message, cause);
    }
}
