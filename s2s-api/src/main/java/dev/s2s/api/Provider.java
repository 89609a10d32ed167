package dev.s2s.api;

/**
 * Common part of the provider SPI types. A provider is a small factory found through
 * {@link java.util.ServiceLoader}: register it in {@code META-INF/services/<provider type>} and, on
 * the module path, with {@code provides} in {@code module-info.java}. Providers must have a public
 * no-argument constructor and be cheap to construct; the work happens in {@code create}.
 */
public interface Provider {

    /** The name users look the provider up by, e.g. {@code "whisper"}. Unique per provider type. */
    String name();

    /** A one-line description for listings. */
    default String description() {
        return getClass().getName();
    }
}
