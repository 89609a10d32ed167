package dev.s2s.api;

/** Raised when a provider or pipeline configuration is missing a key or has a value of the wrong kind. */
public class ConfigException extends S2sException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public ConfigException(String message) {
        super(message);
    }

    /** @param message what went wrong @param cause the underlying failure */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
