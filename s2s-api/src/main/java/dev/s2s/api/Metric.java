package dev.s2s.api;

/** Similarity measure used by a {@link TokenSnapper}. Higher scores are always better. */
public enum Metric {
    /** Dot product. */
    INNER_PRODUCT,
    /** Cosine similarity (dot product of unit vectors). */
    COSINE,
    /** Euclidean distance; the score is the negated squared distance. */
    L2
}
