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
 * <p>{@link #matmulTransB} is register-blocked (a 2×4 tile of dot products held in eight local vector
 * accumulators) and cache-blocked: the rows of {@code B} are processed in blocks of
 * {@value #DEFAULT_NB} rows × {@value #DEFAULT_KC} columns (512 KB, resident in L2) while
 * every row of {@code A} passes over the block. 256-bit vectors are used by default even when
 * 512-bit ones exist, because they measured faster on AVX-512 Zen 4
 * ({@code -Ds2s.kernels.species=512} selects the preferred species instead).
 */
public final class VectorKernels implements Kernels {

    static final int DEFAULT_NB = 64;
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
        int m2 = m & ~1;
        int n4 = nb & ~3;
        int kv = S.loopBound(kc);
        float[] w = new float[8 * L];
        for (int i = 0; i < m2; i += 2) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            for (int j = 0; j < n4; j += 4) {
                int bj = bOff + j * ldb;
                tile2x4(a, ai, ai + lda, b, bj, bj + ldb, bj + 2 * ldb, bj + 3 * ldb, kv, w);
                finishTile(w, 2, a, ai, lda, b, bj, ldb, c, ci + j, ldc, kv, kc, acc);
            }
            for (int j = n4; j < nb; j++) {
                store(c, ci + j, dot(a, ai, b, bOff + j * ldb, kc), acc);
                store(c, ci + ldc + j, dot(a, ai + lda, b, bOff + j * ldb, kc), acc);
            }
        }
        if (m2 < m) {
            int ai = aOff + m2 * lda;
            int ci = cOff + m2 * ldc;
            for (int j = 0; j < n4; j += 4) {
                int bj = bOff + j * ldb;
                tile1x4(a, ai, b, bj, bj + ldb, bj + 2 * ldb, bj + 3 * ldb, kv, w);
                finishTile(w, 1, a, ai, lda, b, bj, ldb, c, ci + j, ldc, kv, kc, acc);
            }
            for (int j = n4; j < nb; j++) {
                store(c, ci + j, dot(a, ai, b, bOff + j * ldb, kc), acc);
            }
        }
    }

    private static void store(float[] c, int idx, float v, boolean acc) {
        c[idx] = acc ? c[idx] + v : v;
    }

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
     * The 2×4 register tile over {@code k} columns (a multiple of the vector length): eight vector
     * accumulators, written to {@code w} (8 vectors) for the caller to reduce. Measured on AVX2
     * (16 registers): a 3×4 tile whose twelve accumulators are live after the loop ran at ~40
     * GFLOP/s because C2 unrolls the loop 8× and spills; this tile ran at ~60.
     */
    private static void tile2x4(float[] a, int a0, int a1, float[] b, int b0, int b1, int b2, int b3, int k,
            float[] w) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        for (int p = 0; p < k; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector y = FloatVector.fromArray(S, b, b0 + p);
            c00 = x0.fma(y, c00);
            c10 = x1.fma(y, c10);
            y = FloatVector.fromArray(S, b, b1 + p);
            c01 = x0.fma(y, c01);
            c11 = x1.fma(y, c11);
            y = FloatVector.fromArray(S, b, b2 + p);
            c02 = x0.fma(y, c02);
            c12 = x1.fma(y, c12);
            y = FloatVector.fromArray(S, b, b3 + p);
            c03 = x0.fma(y, c03);
            c13 = x1.fma(y, c13);
        }
        c00.intoArray(w, 0);
        c01.intoArray(w, L);
        c02.intoArray(w, 2 * L);
        c03.intoArray(w, 3 * L);
        c10.intoArray(w, 4 * L);
        c11.intoArray(w, 5 * L);
        c12.intoArray(w, 6 * L);
        c13.intoArray(w, 7 * L);
    }

    /**
     * Reduces a {@code rows}×4 tile held in {@code w}, adds the scalar tail {@code [kv, k)} and
     * stores (or accumulates) into C.
     */
    private static void finishTile(float[] w, int rows, float[] a, int a0, int lda, float[] b, int b0, int ldb,
            float[] c, int c0, int ldc, int kv, int k, boolean acc) {
        for (int i = 0; i < rows; i++) {
            int ai = a0 + i * lda;
            int ci = c0 + i * ldc;
            for (int j = 0; j < 4; j++) {
                int base = (i * 4 + j) * L;
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
        if (L != 8 || !vectorReadable(src)) {
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
        if (L != 8 || !vectorReadable(src)) {
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

    /** The Vector API reads native segments and heap segments over {@code byte[]} only. */
    private static boolean vectorReadable(MemorySegment s) {
        return s.isNative() || s.heapBase().map(o -> o instanceof byte[]).orElse(false);
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
}
