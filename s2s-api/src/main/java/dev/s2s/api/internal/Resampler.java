package dev.s2s.api.internal;

import dev.s2s.api.AudioFormatException;

/**
 * Band-limited polyphase resampling with a Kaiser-windowed sinc filter. Not API: callers use
 * {@link dev.s2s.api.AudioClip#resample(int)}.
 *
 * <p>The rate ratio is reduced to {@code up/down} by their greatest common divisor. Output frame
 * {@code n} sits at input time {@code n * down / up}, so its filter phase is
 * {@code (n * down) mod up}. When there are at most {@value #MAX_EXACT_PHASES} phases the filter
 * table holds every phase exactly; otherwise (awkward ratios such as 44100 to 48001 Hz) it holds
 * {@value #MAX_EXACT_PHASES} phases and interpolates linearly between neighbouring rows, which
 * keeps the error far below 16-bit resolution.
 *
 * <p>The low-pass cut-off is {@value #CUTOFF} of the lower Nyquist frequency, the window spans
 * {@value #ZERO_CROSSINGS} zero crossings of the sinc on each side and the Kaiser beta is
 * {@value #BETA} (about 90 dB stop-band attenuation). Each phase is normalised to unit DC gain.
 * Samples before the start and after the end of the input count as silence.
 *
 * <p>Thread-safe: stateless.
 */
public final class Resampler {

    /** Fraction of the lower Nyquist frequency where the pass band ends (-6 dB point). */
    static final double CUTOFF = 0.92;
    /** Sinc zero crossings on each side of the centre. */
    static final int ZERO_CROSSINGS = 32;
    /** Kaiser window shape. */
    static final double BETA = 9.0;
    /** Largest phase count stored exactly; beyond it the table is interpolated. */
    static final int MAX_EXACT_PHASES = 4096;
    /** Largest filter table in coefficients (16 MiB); large tables get fewer, interpolated phases. */
    static final int MAX_TABLE = 1 << 22;
    /** Largest supported down-sampling factor. */
    static final int MAX_DECIMATION = 256;

    private Resampler() {
    }

    /**
     * Resamples interleaved {@code samples} from {@code from} Hz to {@code to} Hz. The output has
     * {@code round(frames * to / from)} frames and the same channel count.
     *
     * @throws AudioFormatException when a rate or the channel count is not positive, the sample
     *                              count is not a multiple of the channel count, the rate falls by
     *                              more than {@value #MAX_DECIMATION} times, or the output would not
     *                              fit in an array
     */
    public static float[] resample(float[] samples, int channels, int from, int to) {
        if (from <= 0 || to <= 0) {
            throw new AudioFormatException("sample rates must be positive, got " + from + " Hz -> " + to + " Hz");
        }
        if (channels <= 0 || samples.length % channels != 0) {
            throw new AudioFormatException(samples.length + " samples do not divide into " + channels + " channels");
        }
        if (from > (long) to * MAX_DECIMATION) {
            throw new AudioFormatException("resampling " + from + " Hz -> " + to + " Hz divides the rate by more than "
                    + MAX_DECIMATION + ", which is not supported");
        }
        int frames = samples.length / channels;
        long outFramesLong = outputFrames(frames, from, to);
        if (outFramesLong > (Integer.MAX_VALUE - 8) / channels) {
            throw new AudioFormatException("resampled audio would hold " + outFramesLong + " frames of " + channels
                    + " channels, more than a Java array can");
        }
        int outFrames = (int) outFramesLong;
        if (from == to) {
            return samples.clone();
        }
        float[] out = new float[outFrames * channels];
        if (frames == 0 || outFrames == 0) {
            return out;
        }
        Filter filter = Filter.design(from, to);
        int half = filter.half;
        float[] padded = new float[frames + 2 * half + 1];
        for (int c = 0; c < channels; c++) {
            for (int f = 0; f < frames; f++) {
                padded[half + f] = samples[f * channels + c];
            }
            filter.apply(padded, out, outFrames, channels, c);
        }
        return out;
    }

    /** {@code round(frames * to / from)}, computed exactly (halves round up). */
    public static long outputFrames(int frames, int from, int to) {
        long q = (long) frames * to; // below 2^62
        return q / from + (2 * (q % from) >= from ? 1 : 0);
    }

    /** A polyphase filter table for one rate pair. */
    private static final class Filter {
        final int up;
        final int down;
        final int taps;
        final int half;
        final int phases;
        final boolean interpolate;
        /** {@code (phases + 1) * taps} coefficients, row by row. */
        final float[] table;

        private Filter(int up, int down, int half, int phases, boolean interpolate, float[] table) {
            this.up = up;
            this.down = down;
            this.half = half;
            this.taps = 2 * half;
            this.phases = phases;
            this.interpolate = interpolate;
            this.table = table;
        }

        static Filter design(int from, int to) {
            int g = gcd(from, to);
            int up = to / g;
            int down = from / g;
            // cut-off in cycles per input sample
            double fc = 0.5 * CUTOFF * Math.min(1.0, (double) to / from);
            double reach = ZERO_CROSSINGS / (2 * fc); // input samples on each side
            int half = (int) Math.ceil(reach);
            int taps = 2 * half;
            int maxPhases = Math.max(64, Math.min(MAX_EXACT_PHASES, MAX_TABLE / taps - 1));
            boolean interpolate = up > maxPhases;
            int phases = interpolate ? maxPhases : up;
            float[] table = new float[(phases + 1) * taps];
            double i0Beta = besselI0(BETA);
            double[] row = new double[taps];
            for (int p = 0; p <= phases; p++) {
                double frac = (double) p / phases; // output time lies frac input samples after tap centre
                double sum = 0;
                for (int t = 0; t < taps; t++) {
                    // tap t multiplies input sample (base - half + 1 + t); its distance from the output time:
                    double x = (t - half + 1) - frac;
                    double v = 0;
                    if (Math.abs(x) < reach) {
                        double r = x / reach;
                        double window = besselI0(BETA * Math.sqrt(1 - r * r)) / i0Beta;
                        v = 2 * fc * sinc(2 * fc * x) * window;
                    }
                    row[t] = v;
                    sum += v;
                }
                for (int t = 0; t < taps; t++) {
                    table[p * taps + t] = (float) (row[t] / sum);
                }
            }
            return new Filter(up, down, half, phases, interpolate, table);
        }

        /**
         * Filters one channel. {@code padded} holds the channel with {@code half} zeros before it
         * and at least {@code half + 1} after it.
         */
        void apply(float[] padded, float[] out, int outFrames, int channels, int channel) {
            int base = 0; // n * down == base * up + rem
            long rem = 0;
            for (int n = 0; n < outFrames; n++) {
                // input samples base-half+1 .. base+half sit at padded[base+1 .. base+2*half]
                int start = base + 1;
                double acc;
                if (!interpolate) {
                    acc = dot(padded, start, table, (int) rem * taps, taps);
                } else {
                    double at = (double) rem * phases / up;
                    int p = (int) at;
                    double w = at - p;
                    double a = dot(padded, start, table, p * taps, taps);
                    double b = dot(padded, start, table, (p + 1) * taps, taps);
                    acc = a + (b - a) * w;
                }
                out[n * channels + channel] = (float) acc;
                rem += down;
                if (rem >= up) {
                    base += (int) (rem / up);
                    rem %= up;
                }
            }
        }

        private static double dot(float[] x, int xOff, float[] h, int hOff, int n) {
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            int i = 0;
            for (; i + 3 < n; i += 4) {
                s0 += x[xOff + i] * h[hOff + i];
                s1 += x[xOff + i + 1] * h[hOff + i + 1];
                s2 += x[xOff + i + 2] * h[hOff + i + 2];
                s3 += x[xOff + i + 3] * h[hOff + i + 3];
            }
            for (; i < n; i++) {
                s0 += x[xOff + i] * h[hOff + i];
            }
            return (double) s0 + s1 + s2 + s3;
        }
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** Modified Bessel function of the first kind, order 0 (power series). */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int k = 1; k < 200; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
