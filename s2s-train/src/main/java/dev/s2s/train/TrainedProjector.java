package dev.s2s.train;

import java.util.Arrays;
import java.util.Objects;

import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.TokenMatrix;
import dev.s2s.kernels.Kernels;
import dev.s2s.train.internal.Linalg;
import dev.s2s.train.internal.ProjectorNet;

/**
 * A trained projector: its architecture, the z-normalisation statistics of its training inputs,
 * its weights, and the frozen token matrix it was trained against. It decodes features to token
 * ids exactly as the trainer evaluated them (argmax over tokens and blank, then drop the blank and
 * collapse repeats), and exports itself to the "mlp" projector format with
 * {@link ProjectorExport}.
 *
 * <p>Immutable; thread-safe (inference is serialised on one internal network instance).
 */
public final class TrainedProjector {

    private final ProjectorSpec spec;
    private final float[] mean;
    private final float[] std;
    private final float[] params;
    private final TokenMatrix tokens;
    private ProjectorNet net;

    TrainedProjector(ProjectorSpec spec, float[] mean, float[] std, float[] params, TokenMatrix tokens) {
        this.spec = Objects.requireNonNull(spec, "spec");
        if (mean.length != spec.inputDim() || std.length != spec.inputDim()) {
            throw new IllegalArgumentException("normalisation statistics must have " + spec.inputDim() + " values");
        }
        if (tokens.dim() != spec.outputDim()) {
            throw new IllegalArgumentException("token matrix width " + tokens.dim() + " != projector output width "
                    + spec.outputDim());
        }
        this.mean = mean.clone();
        this.std = std.clone();
        this.params = params.clone();
        this.tokens = tokens;
    }

    /** The architecture. */
    public ProjectorSpec spec() {
        return spec;
    }

    /** The per-channel mean of the training features. */
    public float[] mean() {
        return mean.clone();
    }

    /** The per-channel standard deviation of the training features (floored at 1e-5). */
    public float[] std() {
        return std.clone();
    }

    /** The token matrix the projector was trained against. */
    public TokenMatrix tokenMatrix() {
        return tokens;
    }

    /** First layer weights, {@code hidden × layerInputDim}, row-major (PyTorch layout). */
    public float[] w1() {
        return Arrays.copyOfRange(params, 0, spec.hidden() * spec.layerInputDim());
    }

    /** First layer bias. */
    public float[] b1() {
        int o = spec.hidden() * spec.layerInputDim();
        return Arrays.copyOfRange(params, o, o + spec.hidden());
    }

    /** Second layer weights, {@code outputDim × hidden}. */
    public float[] w2() {
        int o = spec.hidden() * spec.layerInputDim() + spec.hidden();
        return Arrays.copyOfRange(params, o, o + spec.outputDim() * spec.hidden());
    }

    /** Second layer bias. */
    public float[] b2() {
        int o = spec.hidden() * spec.layerInputDim() + spec.hidden() + spec.outputDim() * spec.hidden();
        return Arrays.copyOfRange(params, o, o + spec.outputDim());
    }

    /** The learned blank vector (as trained; the snapper normalises it for cosine). */
    public float[] blank() {
        int o = spec.hidden() * spec.layerInputDim() + spec.hidden() + spec.outputDim() * spec.hidden()
                + spec.outputDim();
        return Arrays.copyOfRange(params, o, o + spec.outputDim());
    }

    /** The learned cosine scale (1 for inner-product logits). */
    public float scale() {
        return spec.similarity() == ProjectorSpec.Similarity.COSINE ? (float) Math.exp(params[params.length - 1]) : 1f;
    }

    float[] rawParams() {
        return params;
    }

    /**
     * The per-stacked-frame best class: a token id, or {@code vocab} ({@code tokenMatrix().rows()})
     * for the blank. Ties go to the lower id.
     */
    public int[] framewise(EmbeddingSequence features) {
        return run(features, null);
    }

    /** Greedy CTC decoding: the framewise best classes with the blank dropped and repeats collapsed. */
    public int[] decode(EmbeddingSequence features) {
        return CtcLoss.collapse(framewise(features), tokens.rows());
    }

    /** The projected vectors (the output of the second layer), one per stacked frame. */
    public EmbeddingSequence project(EmbeddingSequence features) {
        int n = spec.outputFrames(features.frames());
        float[] out = new float[n * spec.outputDim()];
        run(features, out);
        double fps = features.framesPerSecond() / spec.stack();
        return new EmbeddingSequence(out, n, spec.outputDim(), fps);
    }

    private synchronized int[] run(EmbeddingSequence features, float[] projected) {
        if (features.dim() != spec.inputDim()) {
            throw new IllegalArgumentException("features are " + features.dim() + " wide, the projector expects "
                    + spec.inputDim());
        }
        if (net == null) {
            net = new ProjectorNet(spec, tokens.toFloats(), tokens.rows(), new Linalg(Kernels.get(), null, 1));
            System.arraycopy(params, 0, net.params(), 0, params.length);
        }
        return net.argmax(normalize(features, mean, std), features.frames(), projected);
    }

    /** The z-normalised copy of {@code features}. */
    static float[] normalize(EmbeddingSequence features, float[] mean, float[] std) {
        float[] x = features.data();
        int f = mean.length;
        float[] inv = new float[f];
        for (int d = 0; d < f; d++) {
            inv[d] = 1f / std[d];
        }
        for (int i = 0; i < x.length; i++) {
            int d = i % f;
            x[i] = (x[i] - mean[d]) * inv[d];
        }
        return x;
    }

    @Override
    public String toString() {
        return "TrainedProjector[" + spec + ", " + spec.parameterCount() + " parameters]";
    }
}
