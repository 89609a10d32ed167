package dev.s2s.projector;

import dev.s2s.api.ConfigException;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.TokenMatrix;
import dev.s2s.api.TokenSnapper;
import dev.s2s.api.TokenSnapperProvider;
import dev.s2s.kernels.Kernels;

/**
 * The {@code "vector"} token snapper: {@link VectorTokenSnapper}.
 *
 * <p>Configuration keys (all optional):
 * <ul>
 * <li>{@code threads} (int, default 1): tasks per call; more than 1 creates a pool the snapper owns;</li>
 * <li>{@code kernels} ({@code "auto"} or {@code "scalar"}, default auto): {@code scalar} forces the
 * plain-Java kernels even when the Vector API is enabled;</li>
 * <li>{@code tokenBlock} (int, default about 256 KB worth of rows) and {@code queryBlock} (int,
 * default 128): blocking of the score matrix multiply.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class VectorSnapperProvider implements TokenSnapperProvider {

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public VectorSnapperProvider() {
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String description() {
        return "exact top-k token snapper on SIMD (Vector API) kernels, f32/f16/int8 matrices";
    }

    @Override
    public TokenSnapper create(TokenMatrix matrix, ProviderConfig config) {
        ProviderConfig c = config == null ? ProviderConfig.empty() : config;
        String kernels = c.string("kernels", "auto");
        Kernels k = switch (kernels) {
            case "auto" -> Kernels.get();
            case "scalar" -> Kernels.scalar();
            default -> throw new ConfigException("'kernels' must be \"auto\" or \"scalar\", got \"" + kernels + "\"");
        };
        int threads = c.integer("threads", 1);
        int tokenBlock = c.integer("tokenBlock", 0);
        int queryBlock = c.integer("queryBlock", 128);
        if (threads < 1 || tokenBlock < 0 || queryBlock < 1) {
            throw new ConfigException("'threads' and 'queryBlock' must be >= 1 and 'tokenBlock' >= 0, got threads="
                    + threads + " tokenBlock=" + tokenBlock + " queryBlock=" + queryBlock);
        }
        return VectorTokenSnapper.builder(matrix).kernels(k).threads(threads).tokenBlock(tokenBlock)
                .queryBlock(queryBlock).build();
    }
}
