package dev.s2s.projector;

import dev.s2s.api.ConfigException;
import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.EmbeddingProjectorProvider;
import dev.s2s.api.ProviderConfig;

/**
 * The {@code "djl"} embedding projector: an ONNX model run through DJL on ONNX Runtime
 * ({@link DjlProjector}, which documents the configuration keys). DJL and the ONNX Runtime engine
 * are optional dependencies of this module: add {@code ai.djl:api} and
 * {@code ai.djl.onnxruntime:onnxruntime-engine} to use this provider. Stateless and thread-safe.
 */
public final class DjlProjectorProvider implements EmbeddingProjectorProvider {

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public DjlProjectorProvider() {
    }

    @Override
    public String name() {
        return "djl";
    }

    @Override
    public String description() {
        return "ONNX projector through DJL + ONNX Runtime (offline)";
    }

    @Override
    public EmbeddingProjector create(ProviderConfig config) {
        try {
            Class.forName("ai.djl.repository.zoo.Criteria", false, DjlProjectorProvider.class.getClassLoader());
            Class.forName("ai.djl.onnxruntime.engine.OrtEngine", false, DjlProjectorProvider.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigException("the \"djl\" projector needs ai.djl:api and ai.djl.onnxruntime:onnxruntime-engine"
                    + " on the class path (optional dependencies of s2s-projector): " + e);
        }
        return DjlProjector.load(config == null ? ProviderConfig.empty() : config);
    }
}
