package dev.s2s.api;

import java.util.Optional;

/**
 * Maps audio embeddings into a language model's token-embedding space (the token path's second
 * stage).
 */
public interface EmbeddingProjector extends AutoCloseable {

    /**
     * Projects a sequence; the output may have fewer frames (frame stacking).
     *
     * @throws IllegalArgumentException when {@code audio.dim() != inputDim()}
     */
    EmbeddingSequence project(EmbeddingSequence audio);

    /** Expected input width. */
    int inputDim();

    /** Output width: the language model's embedding width. */
    int outputDim();

    /** A learned blank vector for the snapper (CTC-style), when the projector carries one. */
    default Optional<float[]> blank() {
        return Optional.empty();
    }

    /** Frees resources. Idempotent. */
    @Override
    void close();
}
