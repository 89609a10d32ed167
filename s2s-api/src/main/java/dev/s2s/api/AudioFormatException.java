package dev.s2s.api;

/** Raised when audio data or a WAV file is malformed, truncated, unsupported or absurd. */
public class AudioFormatException extends S2sException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public AudioFormatException(String message) {
        super(message);
    }

    /** @param message what went wrong @param cause the underlying failure */
    public AudioFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
