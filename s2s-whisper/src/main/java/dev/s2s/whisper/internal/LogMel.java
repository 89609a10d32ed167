package dev.s2s.whisper.internal;

/**
 * whisper.cpp v1.7.1's log-mel front end, reproduced operation for operation in float32 so that
 * the output is bit-identical: reflect-pad 200 samples at the start, zero-pad 30 s + 200 at the
 * end, periodic Hann window, whisper.cpp's own recursive radix-2/DFT float FFT with its twiddle
 * tables, power spectrum, mel projection with the model's filter bank (double accumulator over
 * float groups of four), {@code log10(max(x, 1e-10))}, clamp to {@code max - 8} and
 * {@code (x + 4) / 4}.
 *
 * <p>The twiddle and window tables are computed as whisper.cpp does ({@code sinf}/{@code cosf} of
 * the float angle); the handful of entries where glibc's {@code sinf}/{@code cosf} (2.36, FMA
 * variant) are not correctly rounded are set to glibc's values, so results match whisper-jni's
 * bundled library bit for bit.
 *
 * <p>Immutable and thread-safe.
 */
public final class LogMel {

    /** Sample rate the front end expects. */
    public static final int SAMPLE_RATE = 16000;
    /** FFT size (25 ms). */
    public static final int N_FFT = 400;
    /** Hop (10 ms). */
    public static final int HOP = 160;
    /** Frequency bins (DC to Nyquist). */
    public static final int BINS = N_FFT / 2 + 1;
    /** Samples in the 30 s window. */
    public static final int CHUNK_SAMPLES = 30 * SAMPLE_RATE;
    /** Mel frames in the 30 s encoder window. */
    public static final int CHUNK_FRAMES = CHUNK_SAMPLES / HOP;

    private static final float[] SIN = new float[N_FFT];
    private static final float[] COS = new float[N_FFT];
    private static final float[] HANN = new float[N_FFT];

    static {
        for (int i = 0; i < N_FFT; i++) {
            double theta = (float) (2 * Math.PI * i / N_FFT);
            SIN[i] = (float) Math.sin(theta);
            COS[i] = (float) Math.cos(theta);
        }
        // glibc 2.36 sinf/cosf results that are one ulp off the correctly rounded value
        int[][] sinFix = {{164, 0x3f092bf0}, {177, 0x3eb4faaa}, {179, 0x3ea5d883}, {189, 0x3e300e2e},
            {223, 0xbeb4faa8}, {231, 0xbeef9480}, {238, 0xbf0fe4b3}};
        int[][] cosFix = {{62, 0x3f0fe4b2}, {289, 0xbe300e33}, {307, 0x3de0bc6a}};
        for (int[] f : sinFix) {
            SIN[f[0]] = Float.intBitsToFloat(f[1]);
        }
        for (int[] f : cosFix) {
            COS[f[0]] = Float.intBitsToFloat(f[1]);
        }
        for (int i = 0; i < N_FFT; i++) {
            HANN[i] = (float) (0.5 * (1.0 - COS[i]));
        }
    }

    private final float[] filters;
    private final int nMels;

    /**
     * @param filters the model's filter bank, {@code nMels × 201}, row = mel band
     * @param nMels   mel bands
     */
    public LogMel(float[] filters, int nMels) {
        if (filters.length != nMels * BINS) {
            throw new IllegalArgumentException("filter bank needs " + nMels * BINS + " values, got " + filters.length);
        }
        this.filters = filters.clone();
        this.nMels = nMels;
    }

    /** Mel bands. */
    public int nMels() {
        return nMels;
    }

    /** A copy of the sine table (for tests). */
    public static float[] sinTable() {
        return SIN.clone();
    }

    /** A copy of the cosine table (for tests). */
    public static float[] cosTable() {
        return COS.clone();
    }

    /** A copy of the Hann window (for tests). */
    public static float[] hannTable() {
        return HANN.clone();
    }

    /** Frames whisper.cpp computes for {@code n} samples: {@code (n + 480000) / 160}. */
    public static int frames(int n) {
        return (n + CHUNK_SAMPLES) / HOP;
    }

    /**
     * The normalised log-mel of 16 kHz mono samples, {@code nMels × frames(n)}, band-major
     * ({@code out[band * frames + frame]}). Inputs shorter than 201 samples, for which whisper.cpp
     * reads past the caller's buffer, are zero-extended to 201 samples first.
     */
    public float[] compute(float[] samples) {
        float[] x = samples.length > N_FFT / 2 ? samples : java.util.Arrays.copyOf(samples, N_FFT / 2 + 1);
        int n = x.length;
        int pad = N_FFT / 2;
        float[] padded = new float[n + CHUNK_SAMPLES + 2 * pad];
        System.arraycopy(x, 0, padded, pad, n);
        for (int i = 0; i < pad; i++) {
            padded[i] = x[pad - i];
        }
        int nLen = (padded.length - N_FFT) / HOP;
        float[] mel = new float[nMels * nLen];
        // frames whose window lies wholly in the trailing zeros have power 0: log10(1e-10) = -10
        int lastNonZero = (pad + n - 1) / HOP;
        float[] in = new float[N_FFT];
        float[] out = new float[2 * N_FFT];
        float[] power = new float[BINS];
        for (int i = 0; i < nLen; i++) {
            if (i > lastNonZero) {
                for (int j = 0; j < nMels; j++) {
                    mel[j * nLen + i] = -10f;
                }
                continue;
            }
            int off = i * HOP;
            for (int j = 0; j < N_FFT; j++) {
                in[j] = HANN[j] * padded[off + j];
            }
            fft(in, 0, N_FFT, out, 0);
            for (int k = 0; k < BINS; k++) {
                float re = out[2 * k];
                float im = out[2 * k + 1];
                power[k] = re * re + im * im;
            }
            for (int j = 0; j < nMels; j++) {
                int f = j * BINS;
                double sum = 0.0;
                int k = 0;
                for (; k < BINS - 3; k += 4) {
                    sum += power[k] * filters[f + k] + power[k + 1] * filters[f + k + 1]
                            + power[k + 2] * filters[f + k + 2] + power[k + 3] * filters[f + k + 3];
                }
                for (; k < BINS; k++) {
                    sum += power[k] * filters[f + k];
                }
                mel[j * nLen + i] = (float) Math.log10(Math.max(sum, 1e-10));
            }
        }
        double max = -1e20;
        for (float v : mel) {
            if (v > max) {
                max = v;
            }
        }
        max -= 8.0;
        float floor = (float) max;
        for (int i = 0; i < mel.length; i++) {
            float v = mel[i] < max ? floor : mel[i];
            mel[i] = (float) ((v + 4.0) / 4.0);
        }
        return mel;
    }

    /**
     * whisper.cpp's FFT of {@code n} real values {@code in[inOff ..]} into interleaved complex
     * {@code out[outOff .. outOff + 2n)}: radix-2 splits down to an odd length, then a direct DFT.
     */
    private static void fft(float[] in, int inOff, int n, float[] out, int outOff) {
        if (n == 1) {
            out[outOff] = in[inOff];
            out[outOff + 1] = 0;
            return;
        }
        int half = n / 2;
        if ((n & 1) == 1) {
            dft(in, inOff, n, out, outOff);
            return;
        }
        float[] even = new float[half];
        float[] odd = new float[half];
        for (int i = 0; i < half; i++) {
            even[i] = in[inOff + 2 * i];
            odd[i] = in[inOff + 2 * i + 1];
        }
        float[] ef = new float[2 * half];
        float[] of = new float[2 * half];
        fft(even, 0, half, ef, 0);
        fft(odd, 0, half, of, 0);
        int step = N_FFT / n;
        for (int k = 0; k < half; k++) {
            int idx = k * step;
            float re = COS[idx];
            float im = -SIN[idx];
            float reOdd = of[2 * k];
            float imOdd = of[2 * k + 1];
            out[outOff + 2 * k] = ef[2 * k] + re * reOdd - im * imOdd;
            out[outOff + 2 * k + 1] = ef[2 * k + 1] + re * imOdd + im * reOdd;
            out[outOff + 2 * (k + half)] = ef[2 * k] - re * reOdd + im * imOdd;
            out[outOff + 2 * (k + half) + 1] = ef[2 * k + 1] - re * imOdd - im * reOdd;
        }
    }

    private static void dft(float[] in, int inOff, int n, float[] out, int outOff) {
        int step = N_FFT / n;
        for (int k = 0; k < n; k++) {
            float re = 0;
            float im = 0;
            for (int j = 0; j < n; j++) {
                int idx = (k * j * step) % N_FFT;
                re += in[inOff + j] * COS[idx];
                im -= in[inOff + j] * SIN[idx];
            }
            out[outOff + 2 * k] = re;
            out[outOff + 2 * k + 1] = im;
        }
    }
}
