package dev.s2s.train.internal;

import java.util.concurrent.ExecutorService;

import dev.s2s.kernels.Kernels;

/**
 * Matrix helpers for the trainer on top of {@link Kernels#matmulTransB}: parallel
 * {@code A·Bᵀ} and a cache-blocked transpose (so that {@code A·B} and {@code Aᵀ·B} become
 * {@code A·Bᵀ} on transposed copies). Not API. Thread-safe when callers use distinct outputs.
 */
public final class Linalg {

    private static final int BLOCK = 32;
    /** Below this many multiply-adds a matmul is not split over threads. */
    private static final long PARALLEL_MIN = 1L << 20;

    private final Kernels kernels;
    private final ExecutorService pool;
    private final int threads;

    /**
     * @param kernels the kernels to call
     * @param pool    executor for row-parallel matmuls, or null to run on the caller's thread
     * @param threads number of parts to split big matmuls into (1 = no splitting)
     */
    public Linalg(Kernels kernels, ExecutorService pool, int threads) {
        this.kernels = kernels;
        this.pool = pool;
        this.threads = pool == null ? 1 : Math.max(1, threads);
    }

    /** The kernels used. */
    public Kernels kernels() {
        return kernels;
    }

    /** {@code C = A · Bᵀ} as {@link Kernels#matmulTransB}, split over the pool when large. */
    public void mmTransB(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
            int m, int n, int k) {
        if (threads == 1 || (long) m * n * k < PARALLEL_MIN) {
            kernels.matmulTransB(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k);
        } else {
            kernels.matmulTransB(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, pool, threads);
        }
    }

    /** Writes the transpose of the {@code rows × cols} matrix {@code src} (leading dim {@code lds}) to {@code dst} ({@code cols × rows}, dense). */
    public static void transpose(float[] src, int srcOff, int lds, int rows, int cols, float[] dst) {
        for (int i0 = 0; i0 < rows; i0 += BLOCK) {
            int i1 = Math.min(rows, i0 + BLOCK);
            for (int j0 = 0; j0 < cols; j0 += BLOCK) {
                int j1 = Math.min(cols, j0 + BLOCK);
                for (int i = i0; i < i1; i++) {
                    int s = srcOff + i * lds;
                    for (int j = j0; j < j1; j++) {
                        dst[j * rows + i] = src[s + j];
                    }
                }
            }
        }
    }
}
