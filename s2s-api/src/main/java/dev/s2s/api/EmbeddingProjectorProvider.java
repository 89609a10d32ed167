package dev.s2s.api;

/** SPI for embedding projectors. Register implementations in {@code META-INF/services/dev.s2s.api.EmbeddingProjectorProvider}. */
public interface EmbeddingProjectorProvider extends ComponentProvider<EmbeddingProjector> {
}
