package dev.s2s.kernels.internal;

/** Argument checks shared by the kernel implementations. Not API. Thread-safe (stateless). */
final class Checks {

    private Checks() {
    }

    /** Validates the shapes and bounds of {@code C = A · Bᵀ}; throws IndexOutOfBounds/IllegalArgument. */
    static void matmul(int aLen, int aOff, int lda, int bLen, int bOff, int ldb, int cLen, int cOff, int ldc, int m,
            int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative matmul shape m=" + m + " n=" + n + " k=" + k);
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (lda < k || ldb < k || ldc < n) {
            throw new IllegalArgumentException("leading dimension too small: lda=" + lda + " ldb=" + ldb + " ldc="
                    + ldc + " for m=" + m + " n=" + n + " k=" + k);
        }
        span("A", aLen, aOff, lda, m, k);
        span("B", bLen, bOff, ldb, n, k);
        span("C", cLen, cOff, ldc, m, n);
    }

    private static void span(String what, int len, int off, int ld, int rows, int cols) {
        long end = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || end > len) {
            throw new IndexOutOfBoundsException(what + ": " + rows + " x " + cols + " at offset " + off
                    + " with leading dimension " + ld + " needs " + end + " elements, array has " + len);
        }
    }
}
