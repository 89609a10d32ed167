package dev.s2s.api;

/** Raised when a model file (GGUF, ggml, safetensors, npy) is malformed, truncated or of the wrong kind. Model files are validated in Java before native code sees them. */
public class ModelFormatException extends S2sException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public ModelFormatException(String message) {
        super(message);
    }

    /** @param message what went wrong @param cause the underlying failure */
    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
