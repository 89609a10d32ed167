package dev.s2s.train;

import java.util.Random;

/**
 * Vocal-tract length perturbation (Jaitly and Hinton, 2013) for log-mel features during training:
 * each utterance's spectrum is stretched along frequency by a random factor {@code a} drawn
 * uniformly from {@code [1 - maxWarp, 1 + maxWarp]}, so the content at frequency {@code f} moves to
 * {@code a * f}. A speaker with a shorter vocal tract (higher formants) looks like {@code a > 1}.
 *
 * <p>The features must be log-mel channels on the Slaney mel scale from 0 Hz to
 * {@code maxFrequency} (Whisper's front end: 80 channels to 8 kHz, which is what "whisper-mel"
 * writes); each output channel takes the value at its warped centre frequency, interpolated
 * linearly between input channels and held at the edges. Features that are not mel channels
 * (e.g. Whisper encoder states) must not be warped. Immutable and thread-safe.
 *
 * @param maxWarp      largest relative stretch, in [0, 0.5); 0 is off
 * @param maxFrequency the top of the mel scale in Hz
 */
public record FrequencyWarp(double maxWarp, double maxFrequency) {

    /** Validates. */
    public FrequencyWarp {
        if (!(maxWarp >= 0 && maxWarp < 0.5)) {
            throw new IllegalArgumentException("maxWarp must be in [0, 0.5), got " + maxWarp);
        }
        if (!(maxFrequency > 0)) {
            throw new IllegalArgumentException("maxFrequency must be positive, got " + maxFrequency);
        }
    }

    /** No warping. */
    public static FrequencyWarp none() {
        return new FrequencyWarp(0, 8000);
    }

    /** Warping of Whisper log-mel features (mel scale to 8 kHz) by up to {@code maxWarp}. */
    public static FrequencyWarp whisperMel(double maxWarp) {
        return new FrequencyWarp(maxWarp, 8000);
    }

    /** True when this changes nothing. */
    public boolean isNone() {
        return maxWarp == 0;
    }

    /**
     * Warps {@code x} ({@code frames × dim}, row-major, z-normalised with {@code mean} and
     * {@code std}) in place by a factor drawn from {@code rng}: the features are taken back to log-mel
     * values, warped, and normalised again.
     */
    public void apply(float[] x, int frames, int dim, float[] mean, float[] std, Random rng) {
        if (isNone() || dim < 2) {
            return;
        }
        double a = 1 + (2 * rng.nextDouble() - 1) * maxWarp;
        warp(x, frames, dim, mean, std, a);
    }

    /** Warps by exactly {@code factor}. */
    void warp(float[] x, int frames, int dim, float[] mean, float[] std, double factor) {
        double[] src = sourcePositions(dim, factor);
        float[] row = new float[dim];
        for (int t = 0; t < frames; t++) {
            int o = t * dim;
            for (int c = 0; c < dim; c++) {
                row[c] = x[o + c] * std[c] + mean[c];
            }
            for (int c = 0; c < dim; c++) {
                double p = src[c];
                int i = (int) Math.floor(p);
                double w = p - i;
                float v = i >= dim - 1 ? row[dim - 1] : (float) ((1 - w) * row[i] + w * row[i + 1]);
                x[o + c] = (v - mean[c]) / std[c];
            }
        }
    }

    /**
     * For each output channel, the fractional input channel whose centre frequency is the output
     * centre divided by {@code factor}, clamped to {@code [0, dim - 1]}. Channel {@code c}'s centre
     * is mel point {@code c + 1} of {@code dim + 2} points evenly spaced from 0 to
     * {@code maxFrequency} (the layout of librosa's and Whisper's filter banks).
     */
    double[] sourcePositions(int dim, double factor) {
        double top = hzToMel(maxFrequency);
        double step = top / (dim + 1);
        double[] src = new double[dim];
        for (int c = 0; c < dim; c++) {
            double hz = melToHz((c + 1) * step) / factor;
            double p = hzToMel(hz) / step - 1;
            src[c] = Math.max(0, Math.min(dim - 1, p));
        }
        return src;
    }

    // Slaney's mel scale: linear to 1 kHz (200/3 Hz per mel), logarithmic above (27 mels per ln 6.4).
    private static final double F_SP = 200.0 / 3;
    private static final double MIN_LOG_HZ = 1000;
    private static final double MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
    private static final double LOG_STEP = Math.log(6.4) / 27;

    static double hzToMel(double hz) {
        return hz < MIN_LOG_HZ ? hz / F_SP : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP;
    }

    static double melToHz(double mel) {
        return mel < MIN_LOG_MEL ? mel * F_SP : MIN_LOG_HZ * Math.exp((mel - MIN_LOG_MEL) * LOG_STEP);
    }
}
