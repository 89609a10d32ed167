package dev.s2s.kernels.internal;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import dev.s2s.kernels.Kernels;

/**
 * Kernels on the Java Vector API ({@code jdk.incubator.vector}). Not API: loaded reflectively by
 * {@link KernelsHolder} only when the module is in the boot layer. Thread-safe (stateless).
 *
 * <p>{@link #matmulTransB} is register-blocked and cache-blocked. The micro-kernel is a 4×2 tile
 * of dot products (four rows of A against two rows of B) in eight vector accumulators held in
 * locals; with sixteen AVX2 registers, larger tiles spill once C2 unrolls the loop. The rows of B
 * are processed in blocks of {@value #DEFAULT_NB} rows × up to {@value #DEFAULT_KC} columns
 * (256 KB, resident in L2) while every row of A passes over the block, so B streams from memory
 * once per call. Measured on this project's Zen 4 VM (thread CPU time, 128×4000×2048): 4×2 tiles
 * ~48–51 GFLOP/s, 2×4 ~41–46, 3×4 ~35–40, k-sliced 2×4 with accumulators kept in memory ~34–38.
 * 256-bit vectors are used by default even when 512-bit ones exist, because they measured faster
 * on AVX-512 Zen 4 ({@code -Ds2s.kernels.species=512} selects the preferred species instead).
 */
public final class VectorKernels implements Kernels {

    static final int DEFAULT_NB = 32;
    static final int DEFAULT_KC = 2048;

    private static final VectorSpecies<Float> S = chooseSpecies();
    private static final int L = S.length();
    private static final int NB = Math.max(4, Integer.getInteger("s2s.kernels.nb", DEFAULT_NB) & ~3);
    private static final int KC = Math.max(L, Integer.getInteger("s2s.kernels.kc", DEFAULT_KC) / L * L);

    private static VectorSpecies<Float> chooseSpecies() {
        String p = System.getProperty("s2s.kernels.species", "256");
        VectorSpecies<Float> pref = FloatVector.SPECIES_PREFERRED;
        if ("512".equals(p) || "preferred".equals(p)) {
            return pref;
        }
        if ("128".equals(p)) {
            return FloatVector.SPECIES_128;
        }
        return pref.length() >= 8 ? FloatVector.SPECIES_256 : pref;
    }

    /** Public for reflective construction by {@link KernelsHolder}. */
    public VectorKernels() {
        if (L < 4) {
            throw new UnsupportedOperationException("no useful float vector species (length " + L + ")");
        }
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int i = 0;
        int upper2 = n - 2 * L + 1;
        for (; i < upper2; i += 2 * L) {
            acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
            acc1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), acc1);
        }
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public void matmulTransB(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
            int m, int n, int k) {
        Checks.matmul(a.length, aOff, lda, b.length, bOff, ldb, c.length, cOff, ldc, m, n, k);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return;
        }
        for (int jb = 0; jb < n; jb += NB) {
            int nb = Math.min(NB, n - jb);
            for (int pb = 0; pb < k; pb += KC) {
                int kc = Math.min(KC, k - pb);
                boolean acc = pb > 0;
                block(a, aOff + pb, lda, b, bOff + jb * ldb + pb, ldb, c, cOff + jb, ldc, m, nb, kc, acc);
            }
        }
    }

    /** One cache block: C[0..m)[0..nb) (+)= A[0..m)[0..kc) · B[0..nb)[0..kc)ᵀ. */
    private void block(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, int m,
            int nb, int kc, boolean acc) {
        int m4 = m & ~3;
        int n2 = nb & ~1;
        int n4 = nb & ~3;
        int kv = S.loopBound(kc);
        float[] w = new float[8 * L];
        for (int i = 0; i < m4; i += 4) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            for (int j = 0; j < n2; j += 2) {
                int bj = bOff + j * ldb;
                tile4x2(a, ai, ai + lda, ai + 2 * lda, ai + 3 * lda, b, bj, bj + ldb, kv, w);
                finishTile(w, 4, 2, a, ai, lda, b, bj, ldb, c, ci + j, ldc, kv, kc, acc);
            }
            if (n2 < nb) {
                for (int r = 0; r < 4; r++) {
                    store(c, ci + r * ldc + n2, dotLikeTile(a, ai + r * lda, b, bOff + n2 * ldb, kv, kc), acc);
                }
            }
        }
        for (int i = m4; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            for (int j = 0; j < n4; j += 4) {
                int bj = bOff + j * ldb;
                tile1x4(a, ai, b, bj, bj + ldb, bj + 2 * ldb, bj + 3 * ldb, kv, w);
                finishTile(w, 1, 4, a, ai, lda, b, bj, ldb, c, ci + j, ldc, kv, kc, acc);
            }
            for (int j = n4; j < nb; j++) {
                store(c, ci + j, dotLikeTile(a, ai, b, bOff + j * ldb, kv, kc), acc);
            }
        }
    }

    /**
     * One dot product summed in exactly the order of the tiles (one vector accumulator, lanes
     * added in order, then the scalar tail), so every element of C gets the same bits whichever
     * path computes it: results do not depend on how a caller splits the work.
     */
    private static float dotLikeTile(float[] a, int a0, float[] b, int b0, int kv, int k) {
        FloatVector acc = FloatVector.zero(S);
        for (int p = 0; p < kv; p += L) {
            acc = FloatVector.fromArray(S, a, a0 + p).fma(FloatVector.fromArray(S, b, b0 + p), acc);
        }
        float s = 0;
        for (int l = 0; l < L; l++) {
            s += acc.lane(l);
        }
        for (int p = kv; p < k; p++) {
            s += a[a0 + p] * b[b0 + p];
        }
        return s;
    }

    private static void store(float[] c, int idx, float v, boolean acc) {
        c[idx] = acc ? c[idx] + v : v;
    }

    /** One row of A against four rows of B over {@code k} columns; four accumulators into {@code w}. */
    private static void tile1x4(float[] a, int a0, float[] b, int b0, int b1, int b2, int b3, int k, float[] w) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int p = 0; p < k; p += L) {
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s0 = x.fma(FloatVector.fromArray(S, b, b0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(S, b, b3 + p), s3);
        }
        s0.intoArray(w, 0);
        s1.intoArray(w, L);
        s2.intoArray(w, 2 * L);
        s3.intoArray(w, 3 * L);
    }

    /**
     * The 4×2 register tile over {@code k} columns (a multiple of the vector length): eight vector
     * accumulators written to {@code w} as {@code (row * 2 + col) * L}. Four rows of A stay in L1
     * while pairs of B rows stream past, so B is read from L2 at half the rate of a 2×4 tile.
     */
    private static void tile4x2(float[] a, int a0, int a1, int a2, int a3, float[] b, int b0, int b1, int k,
            float[] w) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < k; p += L) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            x = FloatVector.fromArray(S, a, a1 + p);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            x = FloatVector.fromArray(S, a, a2 + p);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            x = FloatVector.fromArray(S, a, a3 + p);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
        }
        c00.intoArray(w, 0);
        c01.intoArray(w, L);
        c10.intoArray(w, 2 * L);
        c11.intoArray(w, 3 * L);
        c20.intoArray(w, 4 * L);
        c21.intoArray(w, 5 * L);
        c30.intoArray(w, 6 * L);
        c31.intoArray(w, 7 * L);
    }

    /**
     * Reduces a {@code rows}×{@code cols} tile held in {@code w}, adds the scalar tail
     * {@code [kv, k)} and stores (or accumulates) into C.
     */
    private static void finishTile(float[] w, int rows, int cols, float[] a, int a0, int lda, float[] b, int b0,
            int ldb, float[] c, int c0, int ldc, int kv, int k, boolean acc) {
        for (int i = 0; i < rows; i++) {
            int ai = a0 + i * lda;
            int ci = c0 + i * ldc;
            for (int j = 0; j < cols; j++) {
                int base = (i * cols + j) * L;
                float s = 0;
                for (int l = 0; l < L; l++) {
                    s += w[base + l];
                }
                int bj = b0 + j * ldb;
                for (int p = kv; p < k; p++) {
                    s += a[ai + p] * b[bj + p];
                }
                store(c, ci + j, s, acc);
            }
        }
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        // Scalar on purpose: the Vector API's lane-wise EXP gives different last bits before and
        // after C2 compiles it (Java fallback vs. intrinsic), which would make results depend on
        // JIT timing; Math.exp is the same in every mode.
        KernelsHolder.SCALAR.softmax(x, off, n);
    }

    @Override
    public void halfToFloat(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        KernelsHolder.SCALAR.halfToFloat(src, srcOff, dst, dstOff, n);
    }

    @Override
    public void floatToHalf(float[] src, int srcOff, short[] dst, int dstOff, int n) {
        KernelsHolder.SCALAR.floatToHalf(src, srcOff, dst, dstOff, n);
    }

    @Override
    public void halfToFloat(MemorySegment src, long byteOffset, float[] dst, int dstOff, int n) {
        java.util.Objects.checkFromIndexSize(dstOff, n, dst.length);
        if (L != 8) {
            KernelsHolder.SCALAR.halfToFloat(src, byteOffset, dst, dstOff, n);
            return;
        }
        int i = 0;
        int upper = n & ~7;
        for (; i < upper; i += 8) {
            halfToFloat8(src, byteOffset + 2L * i).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = Float.float16ToFloat(src.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED,
                    byteOffset + 2L * i));
        }
    }

    /**
     * Eight halves at {@code off} widened with integer bit operations (the Vector API has no half
     * conversion): {@code bits(em << 13) * 2^112} is exact for zeros, subnormals and normals;
     * infinities and NaNs (exponent 31) are rebuilt separately.
     */
    static FloatVector halfToFloat8(MemorySegment src, long off) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(ShortVector.SPECIES_128, src, off,
                ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, IntVector.SPECIES_256, 0);
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector em = h.and(0x7FFF);
        IntVector normal = em.lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f)
                .reinterpretAsInts();
        VectorMask<Integer> special = em.compare(VectorOperators.GE, 0x7C00);
        IntVector inf = em.and(0x3FF).lanewise(VectorOperators.LSHL, 13).or(0x7F800000);
        return normal.blend(inf, special).or(sign).reinterpretAsFloats();
    }

    @Override
    public void int8ToFloat(MemorySegment src, long byteOffset, float scale, float[] dst, int dstOff, int n) {
        java.util.Objects.checkFromIndexSize(dstOff, n, dst.length);
        if (L != 8) {
            KernelsHolder.SCALAR.int8ToFloat(src, byteOffset, scale, dst, dstOff, n);
            return;
        }
        int i = 0;
        int upper = n & ~7;
        for (; i < upper; i += 8) {
            ((FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_64, src, byteOffset + i,
                    ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2F, FloatVector.SPECIES_256, 0)).mul(scale)
                    .intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = src.get(java.lang.foreign.ValueLayout.JAVA_BYTE, byteOffset + i) * scale;
        }
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        KernelsHolder.SCALAR.gelu(x, off, n);
    }

    @Override
    public void silu(float[] x, int off, int n) {
        KernelsHolder.SCALAR.silu(x, off, n);
    }

    @Override
    public void relu(float[] x, int off, int n) {
        KernelsHolder.SCALAR.relu(x, off, n);
    }

    @Override
    public void matmulTransBHalf(float[] a, int aOff, int lda, MemorySegment b, long bByteOff, int ldb, float[] c,
            int cOff, int ldc, int m, int n, int k) {
        Checks.matmul(a.length, aOff, lda, Integer.MAX_VALUE, 0, ldb, c.length, cOff, ldc, m, n, k);
        Checks.halfRows(b, bByteOff, ldb, n, k);
        if (L != 8) {
            KernelsHolder.SCALAR.matmulTransBHalf(a, aOff, lda, b, bByteOff, ldb, c, cOff, ldc, m, n, k);
            return;
        }
        float[] w = new float[4 * L];
        for (int j = 0; j < n; j++) {
            long row = bByteOff + 2L * j * ldb;
            for (int i0 = 0; i0 < m; i0 += 4) {
                int rows = Math.min(4, m - i0);
                // k in the same slices as matmulTransB, so the bits match the widened path
                for (int p0 = 0; p0 < k; p0 += KC) {
                    int kc = Math.min(KC, k - p0);
                    int kv = S.loopBound(kc);
                    int a0 = aOff + i0 * lda + p0;
                    halfTile(a, a0, lda, rows, b, row + 2L * p0, kv, w);
                    for (int r = 0; r < rows; r++) {
                        float s = 0;
                        for (int l = 0; l < L; l++) {
                            s += w[r * L + l];
                        }
                        for (int p = kv; p < kc; p++) {
                            s += a[a0 + r * lda + p] * Float.float16ToFloat(b.get(
                                    java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, row + 2L * (p0 + p)));
                        }
                        store(c, cOff + (i0 + r) * ldc + j, s, p0 > 0);
                    }
                }
            }
        }
    }

    /** Up to four rows of A against one row of halves, widened once per 8 values. */
    private static void halfTile(float[] a, int a0, int lda, int rows, MemorySegment b, long off, int kv, float[] w) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int a1 = a0 + (rows > 1 ? lda : 0);
        int a2 = a0 + (rows > 2 ? 2 * lda : 0);
        int a3 = a0 + (rows > 3 ? 3 * lda : 0);
        for (int p = 0; p < kv; p += L) {
            FloatVector y = halfToFloat8(b, off + 2L * p);
            s0 = FloatVector.fromArray(S, a, a0 + p).fma(y, s0);
            if (rows > 1) {
                s1 = FloatVector.fromArray(S, a, a1 + p).fma(y, s1);
                if (rows > 2) {
                    s2 = FloatVector.fromArray(S, a, a2 + p).fma(y, s2);
                    if (rows > 3) {
                        s3 = FloatVector.fromArray(S, a, a3 + p).fma(y, s3);
                    }
                }
            }
        }
        s0.intoArray(w, 0);
        s1.intoArray(w, L);
        s2.intoArray(w, 2 * L);
        s3.intoArray(w, 3 * L);
    }
}
