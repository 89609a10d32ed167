package dev.s2s.api;

/** SPI: creates {@link TokenSnapper}s. Register in {@code META-INF/services/dev.s2s.api.TokenSnapperProvider}. */
public interface TokenSnapperProvider extends Provider {

    /**
     * Creates a snapper over {@code matrix}.
     *
     * @throws ConfigException for a missing or invalid setting
     */
    TokenSnapper create(TokenMatrix matrix, ProviderConfig config);
}
