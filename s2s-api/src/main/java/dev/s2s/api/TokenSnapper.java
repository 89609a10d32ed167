package dev.s2s.api;

/**
 * Snaps each vector to its nearest vocabulary tokens: an exact k-nearest-neighbour search
 * against a {@link TokenMatrix} (the token path's third stage).
 */
public interface TokenSnapper extends AutoCloseable {

    /**
     * Scores every frame against every row of the matrix and returns the best tokens.
     *
     * @throws IllegalArgumentException when the vector width differs from the matrix width
     */
    SnapResult snap(EmbeddingSequence vectors, SnapOptions options);

    /** The matrix searched. */
    TokenMatrix matrix();

    /** Frees resources. Idempotent. */
    @Override
    void close();
}
