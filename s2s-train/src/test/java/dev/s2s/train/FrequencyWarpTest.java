package dev.s2s.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class FrequencyWarpTest {

    private static final int DIM = 80;

    /** One frame with a bump at {@code channel}, in normalised units with the given stats. */
    private static float[] bump(int channel, float[] mean, float[] std) {
        float[] x = new float[DIM];
        for (int c = 0; c < DIM; c++) {
            float raw = c == channel ? 1f : -1f;
            x[c] = (raw - mean[c]) / std[c];
        }
        return x;
    }

    private static int peak(float[] x, float[] mean, float[] std) {
        int best = 0;
        for (int c = 1; c < DIM; c++) {
            if (x[c] * std[c] + mean[c] > x[best] * std[best] + mean[best]) {
                best = c;
            }
        }
        return best;
    }

    @Test
    void melScaleRoundTripsAndMatchesSlaneysBreakpoint() {
        assertThat(FrequencyWarp.hzToMel(1000)).isCloseTo(15.0, within(1e-12));
        assertThat(FrequencyWarp.hzToMel(8000)).isCloseTo(15 + 27 * Math.log(8) / Math.log(6.4), within(1e-9));
        for (double hz : new double[] {0, 300, 999, 1000, 2500, 7999}) {
            assertThat(FrequencyWarp.melToHz(FrequencyWarp.hzToMel(hz))).isCloseTo(hz, within(1e-6));
        }
    }

    @Test
    void factorOneIsTheIdentityAndAStretchMovesContentUp() {
        Random r = new Random(3);
        float[] mean = new float[DIM];
        float[] std = new float[DIM];
        for (int c = 0; c < DIM; c++) {
            mean[c] = (float) r.nextGaussian();
            std[c] = 0.5f + r.nextFloat();
        }
        FrequencyWarp w = FrequencyWarp.whisperMel(0.2);
        float[] x = bump(40, mean, std);
        float[] same = x.clone();
        w.warp(same, 1, DIM, mean, std, 1.0);
        for (int c = 0; c < DIM; c++) {
            assertThat(same[c]).isCloseTo(x[c], within(1e-4f));
        }
        // channel 40 of 80 is near 1.6 kHz; stretched by 1.15 its content lands about 1.15x higher
        float[] up = x.clone();
        w.warp(up, 1, DIM, mean, std, 1.15);
        int p = peak(up, mean, std);
        double centre40 = FrequencyWarp.melToHz(41 * FrequencyWarp.hzToMel(8000) / 81);
        double centreP = FrequencyWarp.melToHz((p + 1) * FrequencyWarp.hzToMel(8000) / 81);
        assertThat(p).isGreaterThan(40);
        assertThat(centreP / centre40).isCloseTo(1.15, within(0.06));
        float[] down = x.clone();
        w.warp(down, 1, DIM, mean, std, 0.87);
        assertThat(peak(down, mean, std)).isLessThan(40);
    }

    @Test
    void randomWarpsStayInRangeAndNoneChangesNothing() {
        float[] mean = new float[DIM];
        float[] std = new float[DIM];
        Arrays.fill(std, 1f);
        float[] x = new float[3 * DIM];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37);
        }
        float[] y = x.clone();
        FrequencyWarp.none().apply(y, 3, DIM, mean, std, new Random(1));
        assertThat(y).containsExactly(x);
        FrequencyWarp.whisperMel(0.1).apply(y, 3, DIM, mean, std, new Random(1));
        assertThat(y).isNotEqualTo(x);
        for (float v : y) {
            assertThat(v).isBetween(-1f, 1f); // linear interpolation never leaves the input's range
        }
        assertThatThrownBy(() -> FrequencyWarp.whisperMel(0.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxWarp");
        assertThatThrownBy(() -> new FrequencyWarp(0.1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
