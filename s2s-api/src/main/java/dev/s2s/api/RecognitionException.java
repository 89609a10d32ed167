package dev.s2s.api;

/** Raised when speech recognition fails. */
public class RecognitionException extends S2sException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public RecognitionException(String message) {
        super(message);
    }

    /** @param message what went wrong @param cause the underlying failure */
    public RecognitionException(String message, Throwable cause) {
        super(message, cause);
    }
}
