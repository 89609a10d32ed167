/**
 * s2s projector: embedding projectors ("mlp", "djl") and the SIMD token snapper ("vector").
 */
module dev.s2s.projector {
    requires transitive dev.s2s.api;
    requires dev.s2s.kernels;
    requires dev.s2s.formats;
    requires org.slf4j;

    exports dev.s2s.projector;

    provides dev.s2s.api.TokenSnapperProvider with dev.s2s.projector.VectorSnapperProvider;
    provides dev.s2s.api.EmbeddingProjectorProvider with dev.s2s.projector.MlpProjectorProvider;
}
