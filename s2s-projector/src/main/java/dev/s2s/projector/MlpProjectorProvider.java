package dev.s2s.projector;

import java.util.concurrent.ExecutorService;

import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.EmbeddingProjectorProvider;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.ProviderConfig;
import dev.s2s.kernels.Kernels;
import dev.s2s.projector.internal.Support;

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
        Kernels kernels = Support.kernels(c);
        int threads = Support.positive(c, "threads", 1);
        if (threads == 1) {
            return MlpProjector.load(spec, kernels, null, 1);
        }
        ExecutorService pool = Support.daemonPool("s2s-mlp", threads - 1);
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
