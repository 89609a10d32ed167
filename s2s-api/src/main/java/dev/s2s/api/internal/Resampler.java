package dev.s2s.api.internal;

/** Band-limited resampling. Not API. (Work in progress: filled in by the audio I/O change.) */
public final class Resampler {
    private Resampler() {
    }

    /** Resamples interleaved {@code samples} from {@code from} Hz to {@code to} Hz. */
    public static float[] resample(float[] samples, int channels, int from, int to) {
        throw new UnsupportedOperationException("resampler not yet written");
    }
}
