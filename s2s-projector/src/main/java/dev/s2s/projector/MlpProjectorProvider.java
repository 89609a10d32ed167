package dev.s2s.projector;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import dev.s2s.api.ConfigException;
import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.EmbeddingProjectorProvider;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.ProviderConfig;
import dev.s2s.kernels.Kernels;

/**
 * The {@code "mlp"} embedding projector: {@link MlpProjector}.
 *
 * <p>Configuration: either {@code "config"}, the path of the projector's JSON file (relative
 * paths in it resolve against its folder), or the projector keys inline (see
 * {@link MlpProjector}). Also {@code "threads"} (int, default 1; more creates a pool owned by the
 * projector) and {@code "kernels"} ({@code "auto"} or {@code "scalar"}). Stateless and thread-safe.
 */
public final class MlpProjectorProvider implements EmbeddingProjectorProvider {

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public MlpProjectorProvider() {
    }

    @Override
    public String name() {
        return "mlp";
    }

    @Override
    public String description() {
        return "pure-Java MLP projector (stacking, norms, GELU/ReLU/SwiGLU) from safetensors + JSON";
    }

    @Override
    public EmbeddingProjector create(ProviderConfig config) {
        ProviderConfig c = config == null ? ProviderConfig.empty() : config;
        ProviderConfig spec = c.has("config") ? ProviderConfig.read(c.requireFile("config")) : c;
        String k = c.string("kernels", "auto");
        Kernels kernels = switch (k) {
            case "auto" -> Kernels.get();
            case "scalar" -> Kernels.scalar();
            default -> throw new ConfigException("'kernels' must be \"auto\" or \"scalar\", got \"" + k + "\"");
        };
        int threads = c.integer("threads", 1);
        if (threads < 1) {
            throw new ConfigException("'threads' must be >= 1, got " + threads);
        }
        if (threads == 1) {
            return MlpProjector.load(spec, kernels, null, 1);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "s2s-mlp-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            return new PooledProjector(MlpProjector.load(spec, kernels, pool, threads), pool);
        } catch (RuntimeException e) {
            pool.shutdownNow();
            throw e;
        }
    }

    /** An {@link MlpProjector} that owns its thread pool. Thread-safe. */
    private record PooledProjector(MlpProjector delegate, ExecutorService pool) implements EmbeddingProjector {
        @Override
        public EmbeddingSequence project(EmbeddingSequence audio) {
            return delegate.project(audio);
        }

        @Override
        public int inputDim() {
            return delegate.inputDim();
        }

        @Override
        public int outputDim() {
            return delegate.outputDim();
        }

        @Override
        public java.util.Optional<float[]> blank() {
            return delegate.blank();
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }
}
