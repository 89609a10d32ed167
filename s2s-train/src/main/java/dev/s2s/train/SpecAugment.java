package dev.s2s.train;

import java.util.Random;

/**
 * SpecAugment-style masking of normalised input features during training (Park et al., 2019):
 * {@code timeMasks} spans of up to {@code maxTimeWidth} frames and {@code channelMasks} bands of
 * up to {@code maxChannelWidth} feature channels are set to zero (the training mean, after
 * z-normalisation). Immutable and thread-safe.
 *
 * @param timeMasks       number of time masks per utterance
 * @param maxTimeWidth    widest time mask, in input frames (also capped at 20% of the utterance)
 * @param channelMasks    number of channel masks per utterance
 * @param maxChannelWidth widest channel mask, in channels
 */
public record SpecAugment(int timeMasks, int maxTimeWidth, int channelMasks, int maxChannelWidth) {

    /** Validates. */
    public SpecAugment {
        if (timeMasks < 0 || maxTimeWidth < 0 || channelMasks < 0 || maxChannelWidth < 0) {
            throw new IllegalArgumentException("SpecAugment settings must be >= 0");
        }
    }

    /** No masking. */
    public static SpecAugment none() {
        return new SpecAugment(0, 0, 0, 0);
    }

    /** Two time masks of up to 10 frames and two channel masks of up to 8 channels. */
    public static SpecAugment defaults() {
        return new SpecAugment(2, 10, 2, 8);
    }

    /** True when this masks nothing. */
    public boolean isNone() {
        return (timeMasks == 0 || maxTimeWidth == 0) && (channelMasks == 0 || maxChannelWidth == 0);
    }

    /** Masks {@code x} ({@code frames × dim}, row-major) in place. */
    public void apply(float[] x, int frames, int dim, Random rng) {
        int tw = Math.min(maxTimeWidth, Math.max(0, frames / 5));
        for (int m = 0; m < timeMasks && tw > 0; m++) {
            int w = rng.nextInt(tw + 1);
            int t0 = rng.nextInt(Math.max(1, frames - w + 1));
            java.util.Arrays.fill(x, t0 * dim, Math.min(frames, t0 + w) * dim, 0f);
        }
        int cw = Math.min(maxChannelWidth, dim);
        for (int m = 0; m < channelMasks && cw > 0; m++) {
            int w = rng.nextInt(cw + 1);
            int c0 = rng.nextInt(Math.max(1, dim - w + 1));
            for (int t = 0; t < frames; t++) {
                java.util.Arrays.fill(x, t * dim + c0, t * dim + Math.min(dim, c0 + w), 0f);
            }
        }
    }
}
