package dev.s2s.projector;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

import dev.s2s.api.ConfigException;
import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.ModelFormatException;
import dev.s2s.api.ProviderConfig;
import dev.s2s.formats.SafetensorsFile;
import dev.s2s.kernels.Kernels;

/**
 * A pure-Java projector in the Ultravox / LLaMA-Omni style, loaded from a {@code .safetensors}
 * file plus a small JSON configuration naming its tensors (so a projector trained in PyTorch can
 * be exported with {@code safetensors.torch.save_file} and used as is).
 *
 * <p>Per call: (1) optional input normalisation {@code (x − mean) / std}; (2) stacking of
 * {@code stack} consecutive frames ({@code tail}: {@code "pad"} with zero frames or
 * {@code "drop"} the incomplete tail) and optional concatenation of the ±{@code context}
 * neighbouring stacked frames (zeros beyond the edges); (3) optional RMSNorm or LayerNorm;
 * (4) Linear; (5) GELU (exact, erf), ReLU, SiLU or SwiGLU ({@code value · silu(gate)} with
 * {@code value, gate = chunk(2)} of the first Linear's output, as in Ultravox); (6) Linear;
 * (7) optional norm. Linear weights use PyTorch's {@code [out, in]} layout; the matrix multiplies
 * run on {@link Kernels}.
 *
 * <p>Configuration (JSON; tensor names refer to the safetensors file):
 * <pre>{@code
 * {
 *   "weights": "projector.safetensors",
 *   "stack": 4, "tail": "pad", "context": 0,
 *   "inputMean": "norm.mean", "inputStd": "norm.std",
 *   "preNorm":  {"type": "rmsnorm", "weight": "ln_pre.weight", "eps": 1e-6},
 *   "linear1":  {"weight": "linear_1.weight", "bias": "linear_1.bias"},
 *   "activation": "swiglu",
 *   "linear2":  {"weight": "linear_2.weight", "bias": "linear_2.bias"},
 *   "postNorm": {"type": "layernorm", "weight": "ln_post.weight", "bias": "ln_post.bias", "eps": 1e-5},
 *   "blank": "blank"
 * }
 * }</pre>
 * Only {@code weights}, {@code linear1} and {@code linear2} are required ({@code stack} defaults
 * to 1, {@code tail} to pad, {@code context} to 0, {@code activation} to gelu, {@code eps} to
 * 1e-5). Shapes are checked against each other when loading.
 *
 * <p>Immutable after loading; {@link #project} is thread-safe.
 */
public final class MlpProjector implements EmbeddingProjector {

    /** Activation between the two Linear layers. */
    public enum Activation {
        /** Exact GELU (erf). */
        GELU,
        /** ReLU. */
        RELU,
        /** SiLU / swish. */
        SILU,
        /** SwiGLU: {@code value · silu(gate)}, first half value, second half gate. */
        SWIGLU
    }

    /** Normalisation type. */
    public enum NormType {
        /** {@code x / sqrt(mean(x²) + eps) · weight}. */
        RMSNORM,
        /** {@code (x − mean) / sqrt(var + eps) · weight + bias}. */
        LAYERNORM
    }

    /** A norm with its weight, optional bias (LayerNorm) and epsilon. */
    record Norm(NormType type, float[] weight, float[] bias, float eps) {
    }

    private final Kernels kernels;
    private final Executor executor;
    private final int threads;
    private final int inputDim;
    private final int stack;
    private final boolean pad;
    private final int context;
    private final float[] mean;
    private final float[] invStd;
    private final Norm preNorm;
    private final float[] w1;
    private final float[] b1;
    private final int hidden1;
    private final Activation activation;
    private final float[] w2;
    private final float[] b2;
    private final int hidden;
    private final int outputDim;
    private final Norm postNorm;
    private final float[] blank;
    private final int inWidth;

    private MlpProjector(Builder b) {
        this.kernels = b.kernels == null ? Kernels.get() : b.kernels;
        this.executor = b.executor;
        this.threads = b.threads;
        this.stack = b.stack;
        this.pad = b.pad;
        this.context = b.context;
        this.activation = b.activation;
        this.w1 = b.w1;
        this.b1 = b.b1;
        this.hidden1 = b.hidden1;
        this.inWidth = b.inWidth;
        this.hidden = activation == Activation.SWIGLU ? hidden1 / 2 : hidden1;
        this.w2 = b.w2;
        this.b2 = b.b2;
        this.outputDim = b.outputDim;
        this.inputDim = inWidth / (stack * (2 * context + 1));
        this.mean = b.mean;
        this.invStd = b.std == null ? null : inverse(b.std);
        this.preNorm = b.preNorm;
        this.postNorm = b.postNorm;
        this.blank = b.blank;
    }

    private static float[] inverse(float[] std) {
        float[] inv = new float[std.length];
        for (int i = 0; i < std.length; i++) {
            inv[i] = 1f / std[i];
        }
        return inv;
    }

    /**
     * Loads a projector from a JSON configuration file; relative paths resolve against its folder.
     *
     * @throws ConfigException      for a bad configuration
     * @throws ModelFormatException for a bad or inconsistent weights file
     */
    public static MlpProjector load(Path configJson) {
        return load(ProviderConfig.read(configJson), Kernels.get(), null, 1);
    }

    /**
     * Loads a projector from a configuration (see the class documentation).
     *
     * @param kernels  the kernels for the matrix multiplies
     * @param executor executor for multi-threaded matrix multiplies, or null
     * @param threads  tasks per matrix multiply (1: single-threaded)
     */
    public static MlpProjector load(ProviderConfig c, Kernels kernels, Executor executor, int threads) {
        Path weights = c.requireFile("weights");
        Builder b = new Builder();
        b.kernels = kernels;
        b.executor = executor;
        b.threads = threads;
        b.stack = c.integer("stack", 1);
        if (b.stack < 1) {
            throw new ConfigException("'stack' must be >= 1, got " + b.stack);
        }
        String tail = c.string("tail", "pad");
        if (!tail.equals("pad") && !tail.equals("drop")) {
            throw new ConfigException("'tail' must be \"pad\" or \"drop\", got \"" + tail + "\"");
        }
        b.pad = tail.equals("pad");
        b.context = c.integer("context", 0);
        if (b.context < 0) {
            throw new ConfigException("'context' must be >= 0, got " + b.context);
        }
        String act = c.string("activation", "gelu");
        try {
            b.activation = Activation.valueOf(act.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("'activation' must be gelu, relu, silu or swiglu, got \"" + act + "\"");
        }
        try (SafetensorsFile f = SafetensorsFile.open(weights)) {
            String name = weights.getFileName().toString();
            ProviderConfig l1 = c.child("linear1");
            ProviderConfig l2 = c.child("linear2");
            long[] s1 = shape2(f, l1.requireString("weight"));
            b.hidden1 = (int) s1[0];
            b.inWidth = (int) s1[1];
            b.w1 = f.floats(l1.requireString("weight"));
            b.b1 = optionalVector(f, l1.string("bias"), b.hidden1);
            int perFrames = b.stack * (2 * b.context + 1);
            if (b.inWidth % perFrames != 0) {
                throw new ModelFormatException(name + ": linear1 input width " + b.inWidth + " is not divisible by stack "
                        + b.stack + " x (2 x context " + b.context + " + 1)");
            }
            int inputDim = b.inWidth / perFrames;
            if (c.has("inputDim") && c.integer("inputDim", 0) != inputDim) {
                throw new ModelFormatException(name + ": configured inputDim " + c.integer("inputDim", 0)
                        + " but linear1 implies " + inputDim);
            }
            if (b.activation == Activation.SWIGLU && b.hidden1 % 2 != 0) {
                throw new ModelFormatException(name + ": swiglu needs an even linear1 output width, got " + b.hidden1);
            }
            int hidden = b.activation == Activation.SWIGLU ? b.hidden1 / 2 : b.hidden1;
            long[] s2 = shape2(f, l2.requireString("weight"));
            if (s2[1] != hidden) {
                throw new ModelFormatException(name + ": linear2 input width " + s2[1] + " does not match the hidden width "
                        + hidden + (b.activation == Activation.SWIGLU ? " (half of linear1's output for swiglu)" : ""));
            }
            b.outputDim = (int) s2[0];
            b.w2 = f.floats(l2.requireString("weight"));
            b.b2 = optionalVector(f, l2.string("bias"), b.outputDim);
            b.mean = optionalVector(f, c.string("inputMean"), inputDim);
            b.std = optionalVector(f, c.string("inputStd"), inputDim);
            if (b.std != null) {
                for (int i = 0; i < b.std.length; i++) {
                    if (!(b.std[i] > 0) || !Float.isFinite(b.std[i])) {
                        throw new ModelFormatException(name + ": input std[" + i + "] = " + b.std[i]
                                + " is not a positive finite number");
                    }
                }
            }
            b.preNorm = norm(f, c, "preNorm", b.inWidth);
            b.postNorm = norm(f, c, "postNorm", b.outputDim);
            b.blank = optionalVector(f, c.string("blank"), b.outputDim);
        }
        return new MlpProjector(b);
    }

    private static long[] shape2(SafetensorsFile f, String tensor) {
        long[] s = f.tensor(tensor).shape();
        if (s.length != 2 || s[0] < 1 || s[1] < 1 || s[0] * s[1] > Integer.MAX_VALUE - 16) {
            throw new ModelFormatException(f.path().getFileName() + ": tensor '" + tensor + "' must be a non-empty"
                    + " matrix [out, in], got shape " + Arrays.toString(s));
        }
        return s;
    }

    private static float[] optionalVector(SafetensorsFile f, String tensor, int n) {
        if (tensor == null) {
            return null;
        }
        if (f.tensor(tensor).elements() != n || f.tensor(tensor).rank() != 1) {
            throw new ModelFormatException(f.path().getFileName() + ": tensor '" + tensor + "' has shape "
                    + Arrays.toString(f.tensor(tensor).shape()) + ", expected [" + n + "]");
        }
        float[] v = f.floats(tensor);
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new ModelFormatException(f.path().getFileName() + ": tensor '" + tensor + "' holds a non-finite"
                        + " value at " + i);
            }
        }
        return v;
    }

    private static Norm norm(SafetensorsFile f, ProviderConfig c, String key, int width) {
        if (!c.has(key)) {
            return null;
        }
        ProviderConfig n = c.child(key);
        String type = n.string("type", "layernorm");
        NormType t;
        try {
            t = NormType.valueOf(type.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("'" + key + ".type' must be rmsnorm or layernorm, got \"" + type + "\"");
        }
        float eps = (float) n.number("eps", 1e-5);
        if (!(eps >= 0)) {
            throw new ConfigException("'" + key + ".eps' must be >= 0");
        }
        float[] w = optionalVector(f, n.string("weight"), width);
        float[] bias = optionalVector(f, n.string("bias"), width);
        if (t == NormType.RMSNORM && bias != null) {
            throw new ConfigException("'" + key + "' is an rmsnorm, which has no bias");
        }
        return new Norm(t, w, bias, eps);
    }

    @Override
    public int inputDim() {
        return inputDim;
    }

    @Override
    public int outputDim() {
        return outputDim;
    }

    @Override
    public Optional<float[]> blank() {
        return blank == null ? Optional.empty() : Optional.of(blank.clone());
    }

    /** Frames in per frame out. */
    public int stack() {
        return stack;
    }

    /** The kernels used. */
    public Kernels kernels() {
        return kernels;
    }

    @Override
    public EmbeddingSequence project(EmbeddingSequence audio) {
        Objects.requireNonNull(audio, "audio");
        if (audio.dim() != inputDim) {
            throw new IllegalArgumentException("projector expects width " + inputDim + ", got " + audio.dim());
        }
        int t = audio.frames();
        int d = inputDim;
        int s = pad ? (t + stack - 1) / stack : t / stack;
        double fps = audio.framesPerSecond() / stack;
        if (s == 0) {
            return new EmbeddingSequence(new float[0], 0, outputDim, fps);
        }
        float[] x = new float[s * stack * d];
        int valid = Math.min(t, s * stack);
        float[] all = new float[t * d];
        audio.copyTo(all, 0);
        System.arraycopy(all, 0, x, 0, valid * d); // a padded tail stays zero (after normalisation too)
        if (mean != null || invStd != null) {
            for (int f = 0; f < valid; f++) {
                for (int i = 0; i < d; i++) {
                    float v = x[f * d + i];
                    if (mean != null) {
                        v -= mean[i];
                    }
                    if (invStd != null) {
                        v *= invStd[i];
                    }
                    x[f * d + i] = v;
                }
            }
        }
        int sw = stack * d; // stacked width: the stacked frames are already contiguous in x
        float[] in;
        if (context == 0) {
            in = x;
        } else {
            in = new float[s * inWidth];
            for (int f = 0; f < s; f++) {
                for (int o = -context; o <= context; o++) {
                    int src = f + o;
                    if (src >= 0 && src < s) {
                        System.arraycopy(x, src * sw, in, f * inWidth + (o + context) * sw, sw);
                    }
                }
            }
        }
        if (preNorm != null) {
            applyNorm(preNorm, in, s, inWidth);
        }
        float[] h = new float[s * hidden1];
        kernels.matmulTransB(in, 0, inWidth, w1, 0, inWidth, h, 0, hidden1, s, hidden1, inWidth, executor, threads);
        addBias(h, s, hidden1, b1);
        float[] a;
        switch (activation) {
            case GELU -> {
                kernels.gelu(h, 0, h.length);
                a = h;
            }
            case RELU -> {
                kernels.relu(h, 0, h.length);
                a = h;
            }
            case SILU -> {
                kernels.silu(h, 0, h.length);
                a = h;
            }
            default -> {
                a = new float[s * hidden];
                float[] gate = new float[hidden];
                for (int f = 0; f < s; f++) {
                    System.arraycopy(h, f * hidden1 + hidden, gate, 0, hidden);
                    kernels.silu(gate, 0, hidden);
                    for (int i = 0; i < hidden; i++) {
                        a[f * hidden + i] = h[f * hidden1 + i] * gate[i];
                    }
                }
            }
        }
        float[] y = new float[s * outputDim];
        kernels.matmulTransB(a, 0, hidden, w2, 0, hidden, y, 0, outputDim, s, outputDim, hidden, executor, threads);
        addBias(y, s, outputDim, b2);
        if (postNorm != null) {
            applyNorm(postNorm, y, s, outputDim);
        }
        return new EmbeddingSequence(y, s, outputDim, fps);
    }

    private static void addBias(float[] y, int rows, int width, float[] bias) {
        if (bias == null) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            for (int i = 0; i < width; i++) {
                y[o + i] += bias[i];
            }
        }
    }

    private static void applyNorm(Norm n, float[] x, int rows, int width) {
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            double mu = 0;
            if (n.type() == NormType.LAYERNORM) {
                for (int i = 0; i < width; i++) {
                    mu += x[o + i];
                }
                mu /= width;
            }
            double ss = 0;
            for (int i = 0; i < width; i++) {
                double v = x[o + i] - mu;
                ss += v * v;
            }
            float inv = (float) (1.0 / Math.sqrt(ss / width + n.eps()));
            float m = (float) mu;
            for (int i = 0; i < width; i++) {
                float v = (x[o + i] - m) * inv;
                if (n.weight() != null) {
                    v *= n.weight()[i];
                }
                if (n.bias() != null) {
                    v += n.bias()[i];
                }
                x[o + i] = v;
            }
        }
    }

    /** Nothing to free (weights live on the heap). Idempotent. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "MlpProjector[" + inputDim + " x" + stack + (context > 0 ? " ±" + context : "") + " -> " + hidden1 + " "
                + activation + " -> " + outputDim + ", " + kernels.name() + "]";
    }

    /** Loading state. */
    private static final class Builder {
        Kernels kernels;
        Executor executor;
        int threads = 1;
        int stack = 1;
        boolean pad = true;
        int context;
        Activation activation = Activation.GELU;
        float[] w1;
        float[] b1;
        int hidden1;
        int inWidth;
        float[] w2;
        float[] b2;
        int outputDim;
        float[] mean;
        float[] std;
        Norm preNorm;
        Norm postNorm;
        float[] blank;
    }
}
