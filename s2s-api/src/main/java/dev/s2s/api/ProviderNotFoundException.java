package dev.s2s.api;

/** Raised when no provider of the requested name is installed; the message lists the installed names. */
public class ProviderNotFoundException extends S2sException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public ProviderNotFoundException(String message) {
        super(message);
    }

    /** @param message what went wrong @param cause the underlying failure */
    public ProviderNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
