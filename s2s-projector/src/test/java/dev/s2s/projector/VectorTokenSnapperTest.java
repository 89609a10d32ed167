package dev.s2s.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.s2s.api.ConfigException;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.Metric;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.api.SnapOptions;
import dev.s2s.api.SnapResult;
import dev.s2s.api.TokenMatrix;
import dev.s2s.api.TokenSnapper;
import dev.s2s.kernels.Kernels;
import dev.s2s.testkit.TestData;

/**
 * The snapper suite. Every test runs for the scalar kernels and for the kernels chosen for this
 * JVM (the Vector API ones in the default Surefire execution; scalar again in the second
 * execution, which runs without {@code jdk.incubator.vector}).
 */
class VectorTokenSnapperTest {

    private static final Logger LOG = LoggerFactory.getLogger(VectorTokenSnapperTest.class);
    private static final double TOL = 1e-5;

    static Stream<Kernels> kernels() {
        return Stream.of(Kernels.scalar(), Kernels.get()).distinct();
    }

    static Stream<Arguments> kernelsAndMetrics() {
        return kernels().flatMap(k -> Stream.of(Metric.values()).map(m -> Arguments.of(k, m)));
    }

    static float[] gaussian(Random r, int n, double sigma) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * sigma);
        }
        return x;
    }

    static VectorTokenSnapper snapper(TokenMatrix m, Kernels k) {
        return VectorTokenSnapper.builder(m).kernels(k).tokenBlock(12).queryBlock(5).build();
    }

    /** float64 reference score; the scale is what "relative" tolerance is relative to. */
    static double[] ref(float[] q, float[] t, Metric metric) {
        double dot = 0;
        double qq = 0;
        double tt = 0;
        for (int i = 0; i < q.length; i++) {
            dot += (double) q[i] * t[i];
            qq += (double) q[i] * q[i];
            tt += (double) t[i] * t[i];
        }
        return switch (metric) {
            case INNER_PRODUCT -> new double[] {dot, Math.sqrt(qq * tt)};
            case COSINE -> new double[] {qq == 0 || tt == 0 ? 0 : dot / Math.sqrt(qq * tt), 1};
            case L2 -> new double[] {-(qq - 2 * dot + tt), qq + tt};
        };
    }

    @Test
    void chosenKernelsMatchTheJvm() {
        boolean vectorReadable = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        String expected = System.getProperty("s2s.expect.kernels", vectorReadable ? "vector" : "scalar");
        assertThat(Kernels.get().name()).startsWith(expected);
        try (VectorTokenSnapper s = VectorTokenSnapper.of(TokenMatrix.ofFloats(new float[8], 2, 4, null))) {
            assertThat(s.kernels().name()).startsWith(expected);
        }
        LOG.info("snapper kernels in this run: {}", Kernels.get().name());
    }

    @ParameterizedTest
    @MethodSource("kernelsAndMetrics")
    void scoresMatchFloat64AndTop1IsExactWhereTheGapIsClear(Kernels k, Metric metric) {
        Random r = new Random(11);
        int v = 403;
        int d = 77;
        int frames = 29;
        float[] w = gaussian(r, v * d, 1);
        float[] q = gaussian(r, frames * d, 1);
        TokenMatrix m = TokenMatrix.ofFloats(w, v, d, null);
        int topK = 4;
        SnapResult res;
        try (VectorTokenSnapper s = snapper(m, k)) {
            res = s.snap(new EmbeddingSequence(q, frames, d, 0), SnapOptions.builder().metric(metric).topK(topK)
                    .build());
        }
        int checkedTop1 = 0;
        for (int f = 0; f < frames; f++) {
            float[] qf = java.util.Arrays.copyOfRange(q, f * d, f * d + d);
            double[] sc = new double[v];
            double best = Double.NEGATIVE_INFINITY;
            double second = Double.NEGATIVE_INFINITY;
            int bestId = -1;
            double scale = 0;
            for (int t = 0; t < v; t++) {
                double[] rs = ref(qf, m.row(t), metric);
                sc[t] = rs[0];
                scale = Math.max(scale, rs[1]);
                if (rs[0] > best) {
                    second = best;
                    best = rs[0];
                    bestId = t;
                } else if (rs[0] > second) {
                    second = rs[0];
                }
            }
            for (int rnk = 0; rnk < topK; rnk++) {
                int id = res.topTokens()[f * topK + rnk];
                assertThat((double) res.topScores()[f * topK + rnk]).as("frame %d rank %d id %d", f, rnk, id)
                        .isCloseTo(sc[id], org.assertj.core.data.Offset.offset(TOL * scale));
            }
            if (best - second > TOL * scale) {
                assertThat(res.topTokens()[f * topK]).isEqualTo(bestId);
                checkedTop1++;
            }
        }
        assertThat(checkedTop1).isGreaterThan(frames / 2);
    }

    @ParameterizedTest
    @MethodSource("kernelsAndMetrics")
    void scalarAndChosenKernelsAgree(Kernels k, Metric metric) {
        Random r = new Random(12);
        int v = 1000;
        int d = 64;
        int frames = 40;
        TokenMatrix m = TokenMatrix.ofFloats(gaussian(r, v * d, 1), v, d, null);
        EmbeddingSequence q = new EmbeddingSequence(gaussian(r, frames * d, 1), frames, d, 0);
        SnapOptions o = SnapOptions.builder().metric(metric).topK(3).build();
        SnapResult a;
        SnapResult b;
        try (VectorTokenSnapper s1 = snapper(m, Kernels.scalar()); VectorTokenSnapper s2 = snapper(m, k)) {
            a = s1.snap(q, o);
            b = s2.snap(q, o);
        }
        double scale = metric == Metric.COSINE ? 1 : metric == Metric.L2 ? 2 * d * 1.5 : d * 1.5;
        for (int f = 0; f < frames; f++) {
            float gap = a.topScores()[f * 3] - a.topScores()[f * 3 + 1];
            if (gap > 2 * TOL * scale) {
                assertThat(b.topTokens()[f * 3]).isEqualTo(a.topTokens()[f * 3]);
            }
            assertThat((double) b.topScores()[f * 3]).isCloseTo(a.topScores()[f * 3],
                    org.assertj.core.data.Offset.offset(TOL * scale));
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void tiesGoToTheLowerIdAndBlankRanksAfterTokens(Kernels k) {
        int d = 8;
        float[] row = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] other = {-1, 0, 1, 0, -1, 0, 1, 0};
        float[] w = new float[5 * d];
        System.arraycopy(other, 0, w, 0, d);
        System.arraycopy(row, 0, w, d, d);
        System.arraycopy(other, 0, w, 2 * d, d);
        System.arraycopy(row, 0, w, 3 * d, d);
        System.arraycopy(row, 0, w, 4 * d, d);
        TokenMatrix m = TokenMatrix.ofFloats(w, 5, d, null);
        try (VectorTokenSnapper s = snapper(m, k)) {
            SnapResult res = s.snap(new EmbeddingSequence(row, 1, d, 0),
                    SnapOptions.builder().metric(Metric.INNER_PRODUCT).topK(4).blank(row).build());
            assertThat(res.topTokens()).containsExactly(1, 3, 4, -1);
            assertThat(res.margins()[0]).isZero();
            res = s.snap(new EmbeddingSequence(row, 1, d, 0),
                    SnapOptions.builder().metric(Metric.INNER_PRODUCT).topK(2).exclude(1).build());
            assertThat(res.topTokens()).containsExactly(3, 4);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void exclusionsBlankCollapseAndMargins(Kernels k) {
        Random r = new Random(13);
        int v = 50;
        int d = 16;
        float[] w = gaussian(r, v * d, 1);
        TokenMatrix m = TokenMatrix.ofFloats(w, v, d, null);
        float[] blank = gaussian(r, d, 1);
        // frames: t7 t7 blank t7 t9 t9 t3(excluded -> something else)
        int[] src = {7, 7, -1, 7, 9, 9, 3};
        float[] q = new float[src.length * d];
        for (int f = 0; f < src.length; f++) {
            float[] x = src[f] < 0 ? blank : m.row(src[f]);
            System.arraycopy(x, 0, q, f * d, d);
        }
        EmbeddingSequence seq = new EmbeddingSequence(q, src.length, d, 50);
        try (VectorTokenSnapper s = snapper(m, k)) {
            SnapResult collapsed = s.snap(seq, SnapOptions.builder().metric(Metric.COSINE).topK(3).exclude(3, 40)
                    .blank(blank).collapseRepeats(true).build());
            assertThat(collapsed.topTokens()[2 * 3]).isEqualTo(-1);
            assertThat(collapsed.tokens()).startsWith(7, 7, 9).hasSize(4);
            assertThat(collapsed.frames()).startsWith(0, 3, 4, 6);
            assertThat(collapsed.tokens()[3]).isNotIn(3, 40, -1);
            for (int t : collapsed.topTokens()) {
                assertThat(t).isNotIn(3, 40);
            }
            for (int i = 0; i < collapsed.tokens().length; i++) {
                int f = collapsed.frames()[i];
                assertThat(collapsed.margins()[i]).isEqualTo(collapsed.topScores()[f * 3] - collapsed.topScores()[f * 3 + 1]);
                assertThat(collapsed.scores()[i]).isEqualTo(collapsed.topScores()[f * 3]);
            }
            assertThat(collapsed.scores()[0]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
            SnapResult plain = s.snap(seq, SnapOptions.builder().metric(Metric.COSINE).topK(1).blank(blank).build());
            assertThat(plain.tokens()).containsExactly(7, 7, 7, 9, 9, 3);
            assertThat(plain.k()).isEqualTo(1);
            assertThat(plain.margins()[0]).isPositive();
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void topKIsClampedToTheCandidates(Kernels k) {
        TokenMatrix m = TokenMatrix.ofFloats(new float[] {1, 0, 0, 1, 1, 1}, 3, 2, null);
        try (VectorTokenSnapper s = snapper(m, k)) {
            SnapResult res = s.snap(new EmbeddingSequence(new float[] {1, 0}, 1, 2, 0),
                    SnapOptions.builder().topK(10).exclude(1).build());
            assertThat(res.k()).isEqualTo(2);
            assertThat(res.topTokens()).containsExactly(0, 2);
            SnapResult one = s.snap(new EmbeddingSequence(new float[] {1, 0}, 1, 2, 0),
                    SnapOptions.builder().topK(1).exclude(1, 2).build());
            assertThat(one.margins()[0]).isEqualTo(Float.POSITIVE_INFINITY);
            assertThatThrownBy(() -> s.snap(new EmbeddingSequence(new float[] {1, 0}, 1, 2, 0),
                    SnapOptions.builder().exclude(0, 1, 2).build())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("excluded");
            SnapResult empty = s.snap(new EmbeddingSequence(new float[0], 0, 2, 0), SnapOptions.defaults());
            assertThat(empty.tokens()).isEmpty();
            assertThat(empty.inputFrames()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void badInputIsRejectedClearly(Kernels k) {
        TokenMatrix m = TokenMatrix.ofFloats(new float[12], 3, 4, null);
        try (VectorTokenSnapper s = snapper(m, k)) {
            assertThatThrownBy(() -> s.snap(new EmbeddingSequence(new float[3], 1, 3, 0), SnapOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width 3");
            assertThatThrownBy(() -> s.snap(new EmbeddingSequence(new float[] {1, Float.NaN, 0, 0}, 1, 4, 0),
                    SnapOptions.defaults())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not finite");
            assertThatThrownBy(() -> s.snap(new EmbeddingSequence(new float[4], 1, 4, 0),
                    SnapOptions.builder().blank(new float[2]).build())).hasMessageContaining("blank");
            assertThatThrownBy(() -> s.snap(new EmbeddingSequence(new float[4], 1, 4, 0),
                    SnapOptions.builder().exclude(3).build())).hasMessageContaining("outside the vocabulary");
        }
        VectorTokenSnapper closed = snapper(m, k);
        closed.close();
        closed.close();
        assertThatThrownBy(() -> closed.snap(new EmbeddingSequence(new float[4], 1, 4, 0), SnapOptions.defaults()))
                .isInstanceOf(IllegalStateException.class);
    }

    /** Generated matrix with planted duplicates; every non-duplicated row must snap to itself. */
    @ParameterizedTest
    @MethodSource("kernels")
    void selfConsistencyOnGeneratedMatrices(Kernels k) {
        Random r = new Random(14);
        int v = 700;
        int d = 48;
        float[] w = gaussian(r, v * d, 0.3);
        System.arraycopy(w, 5 * d, w, 600 * d, d); // row 600 duplicates row 5
        System.arraycopy(w, 9 * d, w, 10 * d, d); // row 10 duplicates row 9
        selfConsistency(TokenMatrix.ofFloats(w, v, d, null), k, "generated");
    }

    /** The real token matrix of stories260K (token_embd.weight, 512 x 64, dequantized to f32). */
    @ParameterizedTest
    @MethodSource("kernels")
    void selfConsistencyOnStories260kTokenMatrix(Kernels k) throws IOException {
        Path p = TestData.model("stories260K-q8_0.token_embd.f32");
        byte[] raw = Files.readAllBytes(p);
        assertThat(raw.length).isEqualTo(512 * 64 * 4);
        float[] w = new float[512 * 64];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(w);
        selfConsistency(TokenMatrix.ofFloats(w, 512, 64, null), k, "stories260K");
    }

    private void selfConsistency(TokenMatrix m, Kernels k, String what) {
        int v = m.rows();
        int d = m.dim();
        boolean[] dup = new boolean[v];
        java.util.Map<java.util.List<Float>, Integer> seen = new java.util.HashMap<>();
        for (int t = 0; t < v; t++) {
            java.util.List<Float> key = new java.util.ArrayList<>();
            for (float x : m.row(t)) {
                key.add(x);
            }
            Integer prev = seen.putIfAbsent(key, t);
            if (prev != null) {
                dup[t] = true;
                dup[prev] = true;
            }
        }
        float[] all = m.toFloats();
        for (Metric metric : new Metric[] {Metric.COSINE, Metric.L2}) {
            SnapResult res;
            try (VectorTokenSnapper s = VectorTokenSnapper.builder(m).kernels(k).build()) {
                res = s.snap(new EmbeddingSequence(all, v, d, 0), SnapOptions.builder().metric(metric).build());
            }
            int checked = 0;
            for (int t = 0; t < v; t++) {
                if (!dup[t] && rowNorm(m, t) > 0) {
                    assertThat(res.topTokens()[t]).as("%s %s row %d", what, metric, t).isEqualTo(t);
                    checked++;
                }
            }
            assertThat(checked).isGreaterThan(v / 2);
            LOG.info("self-consistency {} {} {}: {}/{} unique rows snap to themselves", what, metric, k.name(), checked,
                    v);
        }
    }

    private static double rowNorm(TokenMatrix m, int t) {
        double s = 0;
        for (float x : m.row(t)) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void halfStorageMatchesFloat64OnWidenedValues(Kernels k) {
        Random r = new Random(15);
        int v = 300;
        int d = 40;
        TokenMatrix f16 = TokenMatrix.ofFloats(gaussian(r, v * d, 1), v, d, null).convert(TokenMatrix.Storage.F16);
        TokenMatrix widened = f16.convert(TokenMatrix.Storage.F32);
        EmbeddingSequence q = new EmbeddingSequence(gaussian(r, 20 * d, 1), 20, d, 0);
        SnapOptions o = SnapOptions.builder().metric(Metric.INNER_PRODUCT).topK(2).build();
        try (VectorTokenSnapper a = snapper(f16, k); VectorTokenSnapper b = snapper(widened, k)) {
            SnapResult ra = a.snap(q, o);
            SnapResult rb = b.snap(q, o);
            assertThat(ra.topTokens()).containsExactly(rb.topTokens());
            assertThat(ra.topScores()).containsExactly(rb.topScores());
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void int8RecallAtOneAgainstF32IsAtLeast99Percent(Kernels k) {
        Random r = new Random(16);
        int v = 4000;
        int d = 128;
        int frames = 1000;
        TokenMatrix f32 = TokenMatrix.ofFloats(gaussian(r, v * d, 1), v, d, null);
        TokenMatrix i8 = f32.convert(TokenMatrix.Storage.INT8);
        // projector-like queries: a token row plus noise of half its scale
        float[] q = new float[frames * d];
        for (int f = 0; f < frames; f++) {
            float[] row = f32.row(r.nextInt(v));
            for (int i = 0; i < d; i++) {
                q[f * d + i] = row[i] + (float) (r.nextGaussian() * 0.5);
            }
        }
        EmbeddingSequence seq = new EmbeddingSequence(q, frames, d, 0);
        EmbeddingSequence rand = new EmbeddingSequence(gaussian(r, frames * d, 1), frames, d, 0);
        for (Metric metric : Metric.values()) {
            SnapOptions o = SnapOptions.builder().metric(metric).build();
            try (VectorTokenSnapper a = snapper(f32, k); VectorTokenSnapper b = snapper(i8, k)) {
                double recall = recall(a.snap(seq, o), b.snap(seq, o));
                double recallRandom = recall(a.snap(rand, o), b.snap(rand, o));
                LOG.info("int8 recall@1 vs f32 ({}, {}x{}, {}): {} on noisy token rows, {} on pure random queries",
                        metric, v, d, k.name(), recall, recallRandom);
                assertThat(recall).as("%s recall@1", metric).isGreaterThanOrEqualTo(0.99);
            }
        }
    }

    private static double recall(SnapResult a, SnapResult b) {
        int same = 0;
        for (int f = 0; f < a.inputFrames(); f++) {
            if (a.topTokens()[f] == b.topTokens()[f]) {
                same++;
            }
        }
        return same / (double) a.inputFrames();
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void multiThreadedEqualsSingleThreadedOverQueryAndTokenSplits(Kernels k) {
        Random r = new Random(17);
        int v = 999;
        int d = 33;
        TokenMatrix m = TokenMatrix.ofFloats(gaussian(r, v * d, 1), v, d, null);
        ExecutorService ex = Executors.newFixedThreadPool(3);
        try {
            for (int frames : new int[] {3, 50}) {
                EmbeddingSequence q = new EmbeddingSequence(gaussian(r, frames * d, 1), frames, d, 0);
                SnapOptions o = SnapOptions.builder().metric(Metric.L2).topK(5).exclude(0, 5, 998).build();
                SnapResult one;
                SnapResult many;
                SnapResult owned;
                try (VectorTokenSnapper s1 = snapper(m, k);
                        VectorTokenSnapper s3 = VectorTokenSnapper.builder(m).kernels(k).threads(4).executor(ex)
                                .tokenBlock(12).queryBlock(5).build();
                        TokenSnapper s4 = VectorTokenSnapper.builder(m).kernels(k).threads(2).build()) {
                    one = s1.snap(q, o);
                    many = s3.snap(q, o);
                    owned = s4.snap(q, o);
                }
                assertThat(many).isEqualTo(one);
                assertThat(owned.topTokens()).containsExactly(one.topTokens());
            }
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void providerIsRegisteredAndValidatesConfig() {
        TokenMatrix m = TokenMatrix.ofFloats(new float[] {1, 0, 0, 1}, 2, 2, null);
        try (TokenSnapper s = S2s.snapper("vector", m, ProviderConfig.of(java.util.Map.of("threads", 2,
                "kernels", "scalar")))) {
            assertThat(s.matrix()).isSameAs(m);
            assertThat(s.snap(new EmbeddingSequence(new float[] {0.1f, 2}, 1, 2, 0), SnapOptions.defaults()).tokens())
                    .containsExactly(1);
        }
        assertThatThrownBy(() -> S2s.snapper("vector", m, ProviderConfig.of(java.util.Map.of("kernels", "gpu"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kernels");
        assertThatThrownBy(() -> S2s.snapper("vector", m, ProviderConfig.of(java.util.Map.of("threads", 0))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("threads");
    }
}
