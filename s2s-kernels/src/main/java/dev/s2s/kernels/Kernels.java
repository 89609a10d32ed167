package dev.s2s.kernels;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

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

    /**
     * {@link #matmulTransB} split into up to {@code tasks} column ranges of {@code C} (row ranges of
     * {@code B}) run on {@code executor}; the caller waits for all of them. With {@code tasks <= 1}
     * or a null executor it runs on the calling thread. Results are identical to the single-threaded
     * call (every element is computed by the same code).
     */
    default void matmulTransB(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
            int m, int n, int k, Executor executor, int tasks) {
        int t = Math.min(tasks, Math.max(1, n / 16));
        if (executor == null || t <= 1) {
            matmulTransB(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k);
            return;
        }
        int chunk = ((n + t - 1) / t + 3) & ~3;
        java.util.List<CompletableFuture<Void>> parts = new java.util.ArrayList<>();
        for (int j0 = chunk; j0 < n; j0 += chunk) {
            int from = j0;
            int len = Math.min(chunk, n - j0);
            parts.add(CompletableFuture.runAsync(
                    () -> matmulTransB(a, aOff, lda, b, bOff + from * ldb, ldb, c, cOff + from, ldc, m, len, k), executor));
        }
        matmulTransB(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, Math.min(chunk, n), k);
        try {
            CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Widens {@code n} IEEE half values stored little-endian in {@code src} from byte
     * {@code byteOffset} into {@code dst}.
     */
    void halfToFloat(MemorySegment src, long byteOffset, float[] dst, int dstOff, int n);

    /** {@code dst[dstOff+i] = src[byteOffset+i] * scale} for {@code n} signed bytes. */
    void int8ToFloat(MemorySegment src, long byteOffset, float scale, float[] dst, int dstOff, int n);

    /**
     * In-place exact GELU, {@code x · Φ(x) = x/2 · (1 + erf(x/√2))} (PyTorch's default
     * {@code nn.GELU()}), with {@code erf} accurate to about 1e-7 absolute.
     */
    void gelu(float[] x, int off, int n);

    /** In-place SiLU (swish), {@code x · sigmoid(x)}: the gate of SwiGLU. */
    void silu(float[] x, int off, int n);

    /** In-place ReLU. */
    void relu(float[] x, int off, int n);
}
