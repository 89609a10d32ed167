package dev.s2s.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same contract for every implementation: the scalar reference and the one chosen for this
 * JVM (vector when the Vector API is enabled). Results are compared with a float64 reference.
 */
class KernelsContractTest {

    static Stream<Kernels> kernels() {
        return Stream.of(Kernels.scalar(), Kernels.get()).distinct();
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void dotMatchesFloat64(Kernels k) {
        Random r = new Random(1);
        for (int n : new int[] {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 64, 100, 1000, 2048}) {
            float[] a = random(r, n + 5);
            float[] b = random(r, n + 3);
            double ref = 0;
            double norm = 0;
            for (int i = 0; i < n; i++) {
                ref += (double) a[2 + i] * b[1 + i];
                norm += Math.abs((double) a[2 + i] * b[1 + i]);
            }
            assertThat((double) k.dot(a, 2, b, 1, n)).as("n=%d", n).isCloseTo(ref, org.assertj.core.data.Offset
                    .offset(1e-6 * norm + 1e-30));
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void matmulTransBMatchesFloat64OnAwkwardShapes(Kernels k) {
        Random r = new Random(2);
        int[][] shapes = {{1, 1, 1}, {1, 5, 3}, {2, 4, 8}, {3, 7, 9}, {5, 13, 17}, {7, 70, 33}, {6, 8, 2048},
            {9, 130, 100}, {17, 67, 2050}, {4, 4, 0}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int kk = s[2];
            int lda = kk + 3;
            int ldb = kk + 1;
            int ldc = n + 2;
            float[] a = random(r, 7 + m * lda);
            float[] b = random(r, 5 + n * ldb);
            float[] c = new float[4 + m * ldc];
            java.util.Arrays.fill(c, Float.NaN);
            k.matmulTransB(a, 7, lda, b, 5, ldb, c, 4, ldc, m, n, kk);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double ref = 0;
                    double norm = 0;
                    for (int p = 0; p < kk; p++) {
                        double t = (double) a[7 + i * lda + p] * b[5 + j * ldb + p];
                        ref += t;
                        norm += Math.abs(t);
                    }
                    assertThat((double) c[4 + i * ldc + j]).as("%s shape %dx%dx%d at %d,%d", k.name(), m, n, kk, i, j)
                            .isCloseTo(ref, org.assertj.core.data.Offset.offset(1e-6 * norm + 1e-30));
                }
                // padding between rows of C is untouched
                for (int j = n; j < ldc && i < m - 1; j++) {
                    assertThat(c[4 + i * ldc + j]).isNaN();
                }
            }
            assertThat(c[0]).isNaN();
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void matmulAcrossCacheBlocksMatchesScalar(Kernels k) {
        Random r = new Random(3);
        int m = 5;
        int n = 300;
        int kk = 4100;
        float[] a = random(r, m * kk);
        float[] b = random(r, n * kk);
        float[] c = new float[m * n];
        float[] ref = new float[m * n];
        k.matmulTransB(a, 0, kk, b, 0, kk, c, 0, n, m, n, kk);
        Kernels.scalar().matmulTransB(a, 0, kk, b, 0, kk, ref, 0, n, m, n, kk);
        for (int i = 0; i < c.length; i++) {
            assertThat(c[i]).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(1e-5f * (float) Math.sqrt(kk) * 4));
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void matmulRejectsBadBounds(Kernels k) {
        float[] a = new float[10];
        float[] b = new float[10];
        float[] c = new float[10];
        assertThatThrownBy(() -> k.matmulTransB(a, 0, 5, b, 0, 5, c, 0, 2, 2, 2, 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leading dimension");
        assertThatThrownBy(() -> k.matmulTransB(a, 1, 5, b, 0, 5, c, 0, 2, 2, 2, 5))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("A:");
        assertThatThrownBy(() -> k.matmulTransB(a, 0, 5, b, 0, 5, c, 0, 2, 2, 2, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void softmaxSumsToOneAndIsStable(Kernels k) {
        float[] x = {1000f, 1001f, 999f, -5f, 0f};
        k.softmax(x, 1, 3);
        assertThat(x[0]).isEqualTo(1000f);
        assertThat(x[4]).isEqualTo(0f);
        assertThat(x[1] + x[2] + x[3]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(x[1]).isGreaterThan(x[2]);
        assertThat((double) x[1]).isCloseTo(1 / (1 + Math.exp(-2) + Math.exp(-1006)),
                org.assertj.core.data.Offset.offset(1e-6));
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void softmaxOfLongRowsAgreesWithTheReference(Kernels k) {
        java.util.Random r = new java.util.Random(3);
        for (int n : new int[] {7, 8, 33, 1500, 1503}) {
            float[] x = new float[n + 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextGaussian() * 8);
            }
            float[] ref = x.clone();
            Kernels.scalar().softmax(ref, 1, n);
            k.softmax(x, 1, n);
            double sum = 0;
            for (int i = 1; i <= n; i++) {
                assertThat((double) x[i]).as("n=%d i=%d", n, i)
                        .isCloseTo(ref[i], org.assertj.core.data.Offset.offset(1e-6 * ref[i] + 1e-12));
                sum += x[i];
            }
            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(x[0]).isEqualTo(ref[0]);
            assertThat(x[n + 1]).isEqualTo(ref[n + 1]);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void halfConversionRoundTripsEveryPattern(Kernels k) {
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        float[] f = new float[65536];
        k.halfToFloat(all, 0, f, 0, all.length);
        short[] back = new short[65536];
        k.floatToHalf(f, 0, back, 0, f.length);
        for (int i = 0; i < all.length; i++) {
            assertThat(Float.floatToIntBits(f[i])).as("pattern %x", i)
                    .isEqualTo(Float.floatToIntBits(Float.float16ToFloat(all[i])));
            if (!Float.isNaN(f[i])) {
                assertThat(back[i]).as("pattern %x", i).isEqualTo(all[i]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void halfSegmentConversionMatchesJdkForEveryPatternAndSegmentKind(Kernels k) {
        short[] all = new short[65536 + 3];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) (i - 3);
        }
        byte[] bytes = new byte[all.length * 2];
        MemorySegment.copy(MemorySegment.ofArray(all), 0, MemorySegment.ofArray(bytes), 0, bytes.length);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nat = arena.allocate(bytes.length + 1);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, nat, 1, bytes.length);
            MemorySegment[] segs = {MemorySegment.ofArray(all), MemorySegment.ofArray(bytes), nat.asSlice(1)};
            for (MemorySegment seg : segs) {
                float[] f = new float[all.length];
                k.halfToFloat(seg, 6, f, 3, all.length - 3);
                for (int i = 3; i < all.length; i++) {
                    assertThat(Float.floatToIntBits(f[i])).as("pattern %x in %s", all[i], seg)
                            .isEqualTo(Float.floatToIntBits(Float.float16ToFloat(all[i])));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void int8SegmentConversionScales(Kernels k) {
        byte[] q = new byte[259];
        for (int i = 0; i < q.length; i++) {
            q[i] = (byte) (i - 128);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nat = arena.allocate(q.length);
            MemorySegment.copy(MemorySegment.ofArray(q), 0, nat, 0, q.length);
            for (MemorySegment seg : new MemorySegment[] {MemorySegment.ofArray(q), nat}) {
                float[] f = new float[q.length];
                k.int8ToFloat(seg, 2, 0.5f, f, 1, q.length - 2);
                assertThat(f[0]).isZero();
                for (int i = 2; i < q.length; i++) {
                    assertThat(f[i - 1]).isEqualTo(q[i] * 0.5f);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void activationsMatchReferenceValues(Kernels k) {
        float[] x = {-3f, -1f, -0.5f, 0f, 0.5f, 1f, 2f, 8f};
        float[] g = x.clone();
        k.gelu(g, 0, g.length);
        // x * Phi(x), Phi from erf tables: erf(0.5/sqrt2)=0.3829249225, erf(1/sqrt2)=0.6826894921,
        // erf(2/sqrt2)=0.9544997361, erf(3/sqrt2)=0.9973002039
        double[] phi = {(1 - 0.9973002039) / 2, (1 - 0.6826894921) / 2, (1 - 0.3829249225) / 2, 0.5,
            (1 + 0.3829249225) / 2, (1 + 0.6826894921) / 2, (1 + 0.9544997361) / 2, 1.0};
        for (int i = 0; i < x.length; i++) {
            assertThat((double) g[i]).as("gelu(%s)", x[i]).isCloseTo(x[i] * phi[i],
                    org.assertj.core.data.Offset.offset(3e-7 * Math.max(1, Math.abs(x[i]))));
        }
        float[] s = x.clone();
        k.silu(s, 1, 6);
        assertThat(s[0]).isEqualTo(-3f);
        assertThat(s[7]).isEqualTo(8f);
        for (int i = 1; i < 7; i++) {
            assertThat((double) s[i]).isCloseTo(x[i] / (1 + Math.exp(-x[i])), org.assertj.core.data.Offset.offset(1e-6));
        }
        float[] r = x.clone();
        k.relu(r, 0, r.length);
        assertThat(r).containsExactly(0f, 0f, 0f, 0f, 0.5f, 1f, 2f, 8f);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void parallelMatmulEqualsSingleThreaded(Kernels k) {
        Random r = new Random(4);
        int m = 7;
        int n = 203;
        int kk = 129;
        float[] a = random(r, m * kk);
        float[] b = random(r, n * kk);
        float[] c1 = new float[m * n];
        float[] c2 = new float[m * n];
        k.matmulTransB(a, 0, kk, b, 0, kk, c1, 0, n, m, n, kk);
        ExecutorService ex = Executors.newFixedThreadPool(3);
        try {
            k.matmulTransB(a, 0, kk, b, 0, kk, c2, 0, n, m, n, kk, ex, 3);
        } finally {
            ex.shutdownNow();
        }
        assertThat(c2).containsExactly(c1);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void everyElementHasTheSameBitsHoweverTheWorkIsSplit(Kernels k) {
        Random r = new Random(5);
        int m = 9;
        int n = 23;
        int kk = 45;
        float[] a = random(r, m * kk);
        float[] b = random(r, n * kk);
        float[] full = new float[m * n];
        k.matmulTransB(a, 0, kk, b, 0, kk, full, 0, n, m, n, kk);
        float[] pieces = new float[m * n];
        int[] rowCuts = {0, 1, 4, 6, 9};
        int[] colCuts = {0, 3, 4, 11, 17, 23};
        for (int ri = 0; ri + 1 < rowCuts.length; ri++) {
            for (int ci = 0; ci + 1 < colCuts.length; ci++) {
                int r0 = rowCuts[ri];
                int c0 = colCuts[ci];
                k.matmulTransB(a, r0 * kk, kk, b, c0 * kk, kk, pieces, r0 * n + c0, n, rowCuts[ri + 1] - r0,
                        colCuts[ci + 1] - c0, kk);
            }
        }
        assertThat(pieces).containsExactly(full);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void halfMatmulHasTheBitsOfTheWidenedMatmul(Kernels k) {
        Random r = new Random(6);
        int[][] shapes = {{1, 5, 3}, {1, 9, 64}, {3, 7, 37}, {5, 6, 2100}, {6, 3, 17}};
        for (int[] sh : shapes) {
            int m = sh[0];
            int n = sh[1];
            int kk = sh[2];
            int lda = kk + 2;
            int ldb = kk + 3;
            float[] a = random(r, 1 + m * lda);
            short[] h = new short[n * ldb + 1];
            float[] wide = new float[n * ldb + 1];
            for (int i = 0; i < h.length; i++) {
                h[i] = Float.floatToFloat16((float) r.nextGaussian());
                wide[i] = Float.float16ToFloat(h[i]);
            }
            float[] expected = new float[m * n];
            k.matmulTransB(a, 1, lda, wide, 1, ldb, expected, 0, n, m, n, kk);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment nat = arena.allocate(2L * h.length);
                MemorySegment.copy(MemorySegment.ofArray(h), 0, nat, 0, 2L * h.length);
                for (MemorySegment seg : new MemorySegment[] {MemorySegment.ofArray(h), nat}) {
                    float[] got = new float[m * n];
                    k.matmulTransBHalf(a, 1, lda, seg, 2, ldb, got, 0, n, m, n, kk);
                    assertThat(got).as("%s %dx%dx%d", k.name(), m, n, kk).containsExactly(expected);
                }
            }
        }
        MemorySegment small = MemorySegment.ofArray(new short[10]);
        assertThatThrownBy(() -> k.matmulTransBHalf(new float[8], 0, 4, small, 0, 4, new float[6], 0, 3, 2, 3, 4))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("halves");
    }
}
