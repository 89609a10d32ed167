package dev.s2s.whisper.internal;

/**
 * The element-wise operations of whisper.cpp's encoder with ggml's CPU precision: f16 rounding
 * of activations, the f16-table tanh GELU, and LayerNorm with double sums. Matrix products and
 * softmax are not here: they go through {@code dev.s2s.kernels.Kernels}. Stateless and
 * thread-safe.
 */
public final class Ops {

    private static final float SQRT_2_OVER_PI = 0.79788456080286535587989211986876f;
    private static final float GELU_COEF_A = 0.044715f;
    /** ggml's GELU table: {@code table[h] = f16(gelu_f32(f32(h)))} for every half bit pattern. */
    private static final short[] GELU_F16 = new short[1 << 16];

    static {
        for (int h = 0; h < GELU_F16.length; h++) {
            float x = Float.float16ToFloat((short) h);
            float y = 0.5f * x * (1.0f + (float) Math.tanh(SQRT_2_OVER_PI * x * (1.0f + GELU_COEF_A * x * x)));
            GELU_F16[h] = Float.floatToFloat16(y);
        }
    }

    private Ops() {
    }

    /** Rounds {@code x[off .. off+n)} to the nearest f16 value (round to nearest even), in place. */
    public static void roundToHalf(float[] x, int off, int n) {
        for (int i = off, end = off + n; i < end; i++) {
            x[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
        }
    }

    /** ggml's GELU (tanh form, via the f16 table; 0 below -10, identity above 10), in place. */
    public static void gelu(float[] x, int off, int n) {
        for (int i = off, end = off + n; i < end; i++) {
            float v = x[i];
            if (v <= -10.0f) {
                x[i] = 0.0f;
            } else if (v < 10.0f) {
                x[i] = Float.float16ToFloat(GELU_F16[Float.floatToFloat16(v) & 0xffff]);
            }
        }
    }

    /** Adds {@code bias[0 .. n)} to each of the {@code rows} rows of {@code x} (row length {@code n}). */
    public static void addRows(float[] x, int xOff, int rows, float[] bias, int n) {
        for (int r = 0; r < rows; r++) {
            int o = xOff + r * n;
            for (int i = 0; i < n; i++) {
                x[o + i] += bias[i];
            }
        }
    }

    /** {@code x[i] += y[i]} for {@code i < n} from the given offsets. */
    public static void add(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            x[xOff + i] += y[yOff + i];
        }
    }

    /**
     * ggml's LayerNorm of each row of {@code x} (rows of {@code n}) into {@code y}, then
     * {@code ·gamma + beta}: double sums for the mean and the biased variance, float elsewhere.
     */
    public static void layerNorm(float[] x, int xOff, float[] y, int yOff, int rows, int n, float[] gamma,
            float[] beta, float eps) {
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * n;
            int yo = yOff + r * n;
            double sum = 0.0;
            for (int i = 0; i < n; i++) {
                sum += x[xo + i];
            }
            float mean = (float) (sum / n);
            double sum2 = 0.0;
            for (int i = 0; i < n; i++) {
                float v = x[xo + i] - mean;
                y[yo + i] = v;
                sum2 += v * v;
            }
            float variance = (float) (sum2 / n);
            float scale = 1.0f / (float) Math.sqrt(variance + eps);
            for (int i = 0; i < n; i++) {
                y[yo + i] = y[yo + i] * scale * gamma[i] + beta[i];
            }
        }
    }
}
