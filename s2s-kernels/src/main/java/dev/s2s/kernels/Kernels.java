package dev.s2s.kernels;

import dev.s2s.kernels.internal.KernelsHolder;

/**
 * The numeric kernels every s2s component shares: dot products, matrix multiplication, softmax
 * and half-float conversion. There are two implementations behind this one interface, in the
 * manner of Lucene's {@code VectorizationProvider}: one on the Vector API
 * ({@code jdk.incubator.vector}) and a scalar one. The best available one is chosen once, at
 * first use, with a single log warning when the Vector API is not readable (start the JVM with
 * {@code --add-modules jdk.incubator.vector} to enable it).
 *
 * <p>All matrices are row-major {@code float[]} with explicit offsets and leading dimensions
 * (the distance between rows, in elements). Implementations are stateless and thread-safe.
 */
public interface Kernels {

    /** The implementation chosen for this JVM: SIMD when the Vector API is readable, else scalar. */
    static Kernels get() {
        return KernelsHolder.DEFAULT;
    }

    /** The scalar implementation, always available (the reference for tests and benchmarks). */
    static Kernels scalar() {
        return KernelsHolder.SCALAR;
    }

    /** A short name, e.g. {@code "scalar"} or {@code "vector-256"}. */
    String name();

    /** {@code sum(a[aOff+i] * b[bOff+i])} for {@code i < n}. */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /**
     * {@code C = A · Bᵀ}: {@code C[i][j] = sum_p A[i][p] * B[j][p]}, for {@code A} m×k (leading
     * dimension {@code lda}), {@code B} n×k ({@code ldb}) and {@code C} m×n ({@code ldc}). This is
     * {@code y = x · Wᵀ} for PyTorch-layout weights, and the score matrix of a snapper. {@code C}
     * is overwritten.
     */
    void matmulTransB(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
            int m, int n, int k);

    /** In-place softmax of {@code x[off .. off+n)} (max-subtracted, numerically stable). */
    void softmax(float[] x, int off, int n);

    /** Widens IEEE half bit patterns to floats. */
    void halfToFloat(short[] src, int srcOff, float[] dst, int dstOff, int n);

    /** Narrows floats to IEEE half bit patterns (round to nearest even). */
    void floatToHalf(float[] src, int srcOff, short[] dst, int dstOff, int n);
}
