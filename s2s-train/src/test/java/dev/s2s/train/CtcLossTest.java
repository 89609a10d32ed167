package dev.s2s.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class CtcLossTest {

    private static float[] randomLogits(Random r, int t, int c) {
        float[] x = new float[t * c];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 2);
        }
        return x;
    }

    /** Sums the probability of every alignment by enumeration: the definition of CTC. */
    private static double bruteForceLoss(float[] logits, int t, int c, int[] labels, int blank) {
        double[] p = new double[t * c];
        for (int f = 0; f < t; f++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) {
                max = Math.max(max, logits[f * c + k]);
            }
            double sum = 0;
            for (int k = 0; k < c; k++) {
                sum += Math.exp(logits[f * c + k] - max);
            }
            for (int k = 0; k < c; k++) {
                p[f * c + k] = Math.exp(logits[f * c + k] - max) / sum;
            }
        }
        int[] path = new int[t];
        double total = 0;
        long count = (long) Math.pow(c, t);
        for (long idx = 0; idx < count; idx++) {
            long v = idx;
            double prob = 1;
            for (int f = 0; f < t; f++) {
                path[f] = (int) (v % c);
                v /= c;
                prob *= p[f * c + path[f]];
            }
            if (Arrays.equals(CtcLoss.collapse(path, blank), labels)) {
                total += prob;
            }
        }
        return -Math.log(total);
    }

    @Test
    void matchesEnumerationOfAllAlignments() {
        Random r = new Random(1);
        int[][] cases = { {}, {1}, {1, 2}, {2, 2}, {1, 1, 1}, {3, 1, 3} };
        for (int blank : new int[] {0, 3}) {
            for (int[] labels0 : cases) {
                int[] labels = Arrays.stream(labels0).map(l -> l == blank ? 0 : l).toArray();
                if (blank == 0) {
                    labels = labels0;
                }
                int c = 4;
                int t = 6;
                float[] x = randomLogits(r, t, c);
                CtcLoss.Result res = CtcLoss.compute(x, 0, t, c, labels, blank, null, 1f);
                assertThat(res.feasible()).isTrue();
                assertThat(res.loss()).as("labels %s blank %d", Arrays.toString(labels), blank)
                        .isCloseTo(bruteForceLoss(x, t, c, labels, blank), within(1e-9));
            }
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Random r = new Random(7);
        int[][] cases = { {1, 2, 3}, {2, 2, 5, 5, 5}, {}, {4} };
        for (int blank : new int[] {0, 6}) {
            for (int[] labels0 : cases) {
                int[] labels = labels0;
                int c = 7;
                int t = 9;
                int off = 5;
                float[] x = new float[off + t * c];
                System.arraycopy(randomLogits(r, t, c), 0, x, off, t * c);
                float[] g = new float[x.length];
                float scale = 0.5f;
                CtcLoss.Result res = CtcLoss.compute(x, off, t, c, labels, blank, g, scale);
                assertThat(res.feasible()).isTrue();
                float eps = 1e-2f;
                for (int i = off; i < x.length; i++) {
                    float keep = x[i];
                    x[i] = keep + eps;
                    double up = CtcLoss.compute(x, off, t, c, labels, blank, null, 1f).loss();
                    x[i] = keep - eps;
                    double down = CtcLoss.compute(x, off, t, c, labels, blank, null, 1f).loss();
                    x[i] = keep;
                    double fd = (up - down) / ((double) (keep + eps) - (double) (keep - eps)) * scale;
                    assertThat((double) g[i]).as("d/dx[%d], labels %s, blank %d", i, Arrays.toString(labels), blank)
                            .isCloseTo(fd, within(2e-4 + 1e-3 * Math.abs(fd)));
                }
                // the gradient of each frame sums to zero (softmax minus a distribution)
                for (int f = 0; f < t; f++) {
                    double sum = 0;
                    for (int k = 0; k < c; k++) {
                        sum += g[off + f * c + k];
                    }
                    assertThat(sum).isCloseTo(0, within(1e-5));
                }
            }
        }
    }

    @Test
    void infeasibleSequencesAreReportedNotThrown() {
        float[] x = randomLogits(new Random(3), 3, 5);
        float[] g = new float[x.length];
        Arrays.fill(g, 42f);
        // 2 repeats need a blank between them: {1,1,1} needs 5 frames
        assertThat(CtcLoss.minFrames(new int[] {1, 1, 1})).isEqualTo(5);
        CtcLoss.Result res = CtcLoss.compute(x, 0, 3, 5, new int[] {1, 1, 1}, 0, g, 1f);
        assertThat(res.feasible()).isFalse();
        assertThat(res.loss()).isInfinite();
        assertThat(g).containsOnly(42f);
        assertThat(CtcLoss.compute(x, 0, 3, 5, new int[] {1, 2, 3, 4}, 0, g, 1f).feasible()).isFalse();
        // exactly enough frames is feasible
        assertThat(CtcLoss.compute(x, 0, 3, 5, new int[] {1, 2, 3}, 0, g, 1f).feasible()).isTrue();
        assertThat(CtcLoss.compute(x, 0, 3, 5, new int[] {2, 2}, 0, g, 1f).feasible()).isTrue();
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        float[] x = new float[12];
        assertThatThrownBy(() -> CtcLoss.compute(x, 0, 3, 4, new int[] {0}, 0, null, 1f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> CtcLoss.compute(x, 0, 3, 4, new int[] {4}, 0, null, 1f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> CtcLoss.compute(x, 0, 4, 4, new int[] {1}, 0, null, 1f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too short");
    }

    @Test
    void greedyCollapseDropsBlanksAndMergesRepeats() {
        assertThat(CtcLoss.collapse(new int[] {0, 1, 1, 0, 1, 2, 2, 0, 0, 3}, 0)).containsExactly(1, 1, 2, 3);
        assertThat(CtcLoss.collapse(new int[] {5, 5, 5}, 5)).isEmpty();
        assertThat(CtcLoss.collapse(new int[] {}, 0)).isEmpty();
    }

    @Test
    void confidentCorrectAlignmentHasNearZeroLoss() {
        int t = 5;
        int c = 4;
        int[] path = {0, 1, 0, 2, 2};
        float[] x = new float[t * c];
        for (int f = 0; f < t; f++) {
            x[f * c + path[f]] = 30f;
        }
        assertThat(CtcLoss.compute(x, 0, t, c, new int[] {1, 2}, 0, null, 1f).loss()).isLessThan(1e-9);
    }
}
