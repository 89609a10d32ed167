package dev.s2s.api;

/**
 * A provider that builds its component from configuration alone. The concrete SPI types
 * ({@link SpeechRecognizerProvider} and its siblings) fix {@code T}; implement one of those.
 *
 * @param <T> the component type
 */
public interface ComponentProvider<T extends AutoCloseable> extends Provider {

    /**
     * Creates the component from its configuration.
     *
     * @throws ConfigException      for a missing or invalid setting
     * @throws ModelFormatException for a bad model file
     */
    T create(ProviderConfig config);
}
