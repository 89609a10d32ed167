package dev.s2s.api;

/** Raised when speech synthesis fails. */
public class SynthesisException extends S2sException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public SynthesisException(String message) {
        super(message);
    }

    /** @param message what went wrong @param cause the underlying failure */
    public SynthesisException(String message, Throwable cause) {
        super(message, cause);
    }
}
