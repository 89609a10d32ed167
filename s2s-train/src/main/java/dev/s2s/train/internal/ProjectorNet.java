package dev.s2s.train.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import dev.s2s.train.CtcLoss;
import dev.s2s.train.ProjectorSpec;
import dev.s2s.train.ProjectorSpec.Activation;
import dev.s2s.train.ProjectorSpec.Similarity;

/**
 * The projector network with its exact backward pass, over a batch of utterances at once: frame
 * stacking and context, {@code W1}, activation, dropout, {@code W2}, similarity logits against the
 * frozen token matrix plus the learned blank (class {@code V}), and CTC. Not API.
 *
 * <p>All trainable values live in one flat array ({@link #params()}), laid out as {@code W1}
 * (hidden × layerInput, row-major, PyTorch layout), {@code b1}, {@code W2} (output × hidden),
 * {@code b2}, the blank vector, and the log of the cosine scale. The gradient uses the same
 * layout. Not thread-safe: one instance per training thread (it owns its scratch buffers).
 */
public final class ProjectorNet {

    /** One utterance of a batch: normalised features ({@code frames × inputDim}) and target ids. */
    public record Item(float[] features, int frames, int[] tokens) {
    }

    /** Loss of a batch: the mean per-token loss over feasible items, and how many were infeasible. */
    public record BatchLoss(double meanLoss, int used, int infeasible, double flops) {
    }

    private static final float NORM_EPS = 1e-12f;
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    private final ProjectorSpec spec;
    private final Linalg la;
    private final int vocab;
    private final int classes;
    private final int din;
    private final int hidden;
    private final int dim;
    private final int oW1;
    private final int oB1;
    private final int oW2;
    private final int oB2;
    private final int oBlank;
    private final int oScale;
    private final float[] params;
    /** Rows 0..V-1: token embeddings (unit-normalised for cosine); row V: the current blank. */
    private final float[] eb;
    /** The transpose of {@link #eb}: dim × classes. */
    private final float[] ebT;

    // scratch, grown on demand
    private float[] x = new float[0];
    private float[] xT = new float[0];
    private float[] a1 = new float[0];
    private float[] h = new float[0];
    private float[] hT = new float[0];
    private float[] mask = new float[0];
    private float[] z = new float[0];
    private float[] y = new float[0];
    private float[] nz = new float[0];
    private float[] logits = new float[0];
    private float[] dlog = new float[0];
    private float[] dY = new float[0];
    private float[] dZT = new float[0];
    private float[] dH = new float[0];
    private float[] dA1T = new float[0];
    private final float[] w2T;
    private int[] rowStart = new int[0];

    /**
     * @param spec      the architecture
     * @param tokens    the frozen token-embedding matrix, {@code vocab × spec.outputDim()} row-major
     * @param vocab     number of token rows
     * @param la        matmul helper
     */
    public ProjectorNet(ProjectorSpec spec, float[] tokens, int vocab, Linalg la) {
        this.spec = spec;
        this.la = la;
        this.vocab = vocab;
        this.classes = vocab + 1;
        this.din = spec.layerInputDim();
        this.hidden = spec.hidden();
        this.dim = spec.outputDim();
        if ((long) vocab * dim != tokens.length) {
            throw new IllegalArgumentException("token matrix has " + tokens.length + " values, expected " + vocab
                    + " x " + dim);
        }
        oW1 = 0;
        oB1 = oW1 + hidden * din;
        oW2 = oB1 + hidden;
        oB2 = oW2 + dim * hidden;
        oBlank = oB2 + dim;
        oScale = oBlank + dim;
        params = new float[oScale + 1];
        eb = new float[classes * dim];
        System.arraycopy(tokens, 0, eb, 0, vocab * dim);
        if (spec.similarity() == Similarity.COSINE) {
            for (int v = 0; v < vocab; v++) {
                normalizeRow(eb, v * dim, dim);
            }
        }
        ebT = new float[dim * classes];
        Linalg.transpose(eb, 0, dim, classes, dim, ebT);
        w2T = new float[hidden * dim];
    }

    /** The architecture. */
    public ProjectorSpec spec() {
        return spec;
    }

    /** The flat trainable values (live: the optimiser updates this array in place). */
    public float[] params() {
        return params;
    }

    /** Number of classes: the vocabulary plus the blank (the last class). */
    public int classes() {
        return classes;
    }

    /** Offset of W1 in {@link #params()}. */
    public int offW1() {
        return oW1;
    }

    /** Offset of b1. */
    public int offB1() {
        return oB1;
    }

    /** Offset of W2. */
    public int offW2() {
        return oW2;
    }

    /** Offset of b2. */
    public int offB2() {
        return oB2;
    }

    /** Offset of the blank vector. */
    public int offBlank() {
        return oBlank;
    }

    /** Offset of the log cosine scale. */
    public int offScale() {
        return oScale;
    }

    /**
     * PyTorch-style initialisation: uniform in {@code ±1/sqrt(fan_in)} for weights and biases, a
     * random blank of the token rows' mean norm, and a cosine scale of {@code initScale}.
     */
    public void initialize(Random rng, float initScale) {
        float b1 = (float) (1 / Math.sqrt(din));
        for (int i = oW1; i < oB1 + hidden; i++) {
            params[i] = (rng.nextFloat() * 2 - 1) * b1;
        }
        float b2 = (float) (1 / Math.sqrt(hidden));
        for (int i = oW2; i < oB2 + dim; i++) {
            params[i] = (rng.nextFloat() * 2 - 1) * b2;
        }
        double meanNorm = 0;
        for (int v = 0; v < vocab; v++) {
            double s = 0;
            for (int d = 0; d < dim; d++) {
                float e = eb[v * dim + d];
                s += e * e;
            }
            meanNorm += Math.sqrt(s);
        }
        meanNorm = spec.similarity() == Similarity.COSINE ? 1 : meanNorm / vocab;
        for (int d = 0; d < dim; d++) {
            params[oBlank + d] = (float) (rng.nextGaussian() * meanNorm / Math.sqrt(dim));
        }
        params[oScale] = (float) Math.log(initScale);
    }

    /**
     * Forward and backward over a batch. Items whose stacked frames cannot carry their tokens under
     * CTC are skipped and counted. The loss of each item is divided by its token count and the
     * batch loss is the mean over the items used; {@code grad} (same layout as the parameters) is
     * overwritten with the gradient of that mean.
     *
     * @param dropout    drop probability after the activation (0 for none)
     * @param dropoutRng the random source of the dropout mask
     */
    public BatchLoss lossAndGradient(List<Item> batch, float dropout, Random dropoutRng, float[] grad) {
        int n = assemble(batch);
        Arrays.fill(grad, 0f);
        if (n == 0) {
            return new BatchLoss(0, 0, batch.size(), 0);
        }
        forward(n, dropout, dropoutRng);
        dlog = grow(dlog, n * classes);
        float[] dL = dlog;
        int used = 0;
        int infeasible = 0;
        double lossSum = 0;
        for (int u = 0; u < batch.size(); u++) {
            int t = rowStart[u + 1] - rowStart[u];
            int[] tok = batch.get(u).tokens();
            if (t == 0 || t < CtcLoss.minFrames(tok)) {
                infeasible++;
            } else {
                used++;
            }
        }
        if (used == 0) {
            return new BatchLoss(0, 0, infeasible, 0);
        }
        for (int u = 0; u < batch.size(); u++) {
            int r0 = rowStart[u];
            int t = rowStart[u + 1] - r0;
            int[] tok = batch.get(u).tokens();
            if (t == 0 || t < CtcLoss.minFrames(tok)) {
                Arrays.fill(dL, r0 * classes, (r0 + t) * classes, 0f);
                continue;
            }
            float scale = 1f / (Math.max(1, tok.length) * used);
            CtcLoss.Result r = CtcLoss.compute(logits, r0 * classes, t, classes, tok, vocab, dL, scale);
            if (!r.feasible()) {
                throw new IllegalStateException("CTC reported an infeasible item that passed the frame check");
            }
            lossSum += r.loss() / Math.max(1, tok.length);
        }
        backward(n, grad);
        return new BatchLoss(lossSum / used, used, infeasible, flops(n, true));
    }

    /** Multiply-adds ×2 of one forward (and backward) pass over {@code n} stacked frames. */
    public double flops(int n, boolean withBackward) {
        double fwd = 2.0 * n * ((double) din * hidden + (double) hidden * dim + (double) dim * classes);
        if (!withBackward) {
            return fwd;
        }
        double bwd = 2.0 * n * ((double) dim * classes + 2.0 * hidden * dim + (double) hidden * din);
        return fwd + bwd;
    }

    /**
     * Inference: the per-stacked-frame argmax class (blank = {@code vocab}) of one utterance, and
     * optionally its projected vectors.
     *
     * @param projected where the output-layer vectors are copied ({@code frames × outputDim}), or null
     * @return the best class of each stacked frame (ties go to the lower id)
     */
    public int[] argmax(float[] features, int frames, float[] projected) {
        int n = assemble(List.of(new Item(features, frames, new int[0])));
        if (n == 0) {
            return new int[0];
        }
        forward(n, 0f, null);
        if (projected != null) {
            System.arraycopy(z, 0, projected, 0, n * dim);
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            float bv = logits[i * classes];
            for (int c = 1; c < classes; c++) {
                float v = logits[i * classes + c];
                if (v > bv) {
                    bv = v;
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** Stacks and adds context for every item into {@link #x}; returns the total row count. */
    private int assemble(List<Item> batch) {
        int f = spec.inputDim();
        int k = spec.stack();
        int sd = spec.stackedDim();
        int c = spec.context();
        if (rowStart.length < batch.size() + 1) {
            rowStart = new int[batch.size() + 1];
        }
        int n = 0;
        for (int u = 0; u < batch.size(); u++) {
            rowStart[u] = n;
            n += spec.outputFrames(batch.get(u).frames());
        }
        rowStart[batch.size()] = n;
        x = grow(x, n * din);
        for (int u = 0; u < batch.size(); u++) {
            Item it = batch.get(u);
            if ((long) it.frames() * f > it.features().length) {
                throw new IllegalArgumentException("features hold " + it.features().length + " values, fewer than "
                        + it.frames() + " x " + f);
            }
            int r0 = rowStart[u];
            int t = rowStart[u + 1] - r0;
            for (int i = 0; i < t; i++) {
                int row = (r0 + i) * din;
                for (int j = -c; j <= c; j++) {
                    int dst = row + (j + c) * sd;
                    int s = i + j;
                    if (s < 0 || s >= t) {
                        Arrays.fill(x, dst, dst + sd, 0f);
                        continue;
                    }
                    int from = s * k;
                    int avail = Math.min(k, it.frames() - from);
                    System.arraycopy(it.features(), from * f, x, dst, avail * f);
                    if (avail < k) {
                        Arrays.fill(x, dst + avail * f, dst + sd, 0f);
                    }
                }
            }
        }
        return n;
    }

    private void forward(int n, float dropout, Random rng) {
        a1 = grow(a1, n * hidden);
        h = grow(h, n * hidden);
        mask = grow(mask, n * hidden);
        z = grow(z, n * dim);
        y = grow(y, n * dim);
        nz = grow(nz, n);
        logits = grow(logits, n * classes);
        la.mmTransB(x, 0, din, params, oW1, din, a1, 0, hidden, n, hidden, din);
        Activation act = spec.activation();
        for (int i = 0; i < n; i++) {
            int r = i * hidden;
            for (int j = 0; j < hidden; j++) {
                a1[r + j] += params[oB1 + j];
            }
        }
        System.arraycopy(a1, 0, h, 0, n * hidden);
        switch (act) {
            case GELU -> la.kernels().gelu(h, 0, n * hidden);
            case RELU -> la.kernels().relu(h, 0, n * hidden);
            case GELU_TANH -> {
                for (int i = 0; i < n * hidden; i++) {
                    h[i] = activate(act, h[i]);
                }
            }
        }
        if (dropout > 0 && rng != null) {
            float keep = 1f / (1f - dropout);
            for (int i = 0; i < n * hidden; i++) {
                float m = rng.nextFloat() < dropout ? 0f : keep;
                mask[i] = m;
                h[i] *= m;
            }
        } else {
            Arrays.fill(mask, 0, n * hidden, 1f);
        }
        la.mmTransB(h, 0, hidden, params, oW2, hidden, z, 0, dim, n, dim, hidden);
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                z[i * dim + d] += params[oB2 + d];
            }
        }
        // the current blank as the last row of eb (unit length for cosine), and the last column of ebT
        System.arraycopy(params, oBlank, eb, vocab * dim, dim);
        if (spec.similarity() == Similarity.COSINE) {
            normalizeRow(eb, vocab * dim, dim);
        }
        for (int d = 0; d < dim; d++) {
            ebT[d * classes + vocab] = eb[vocab * dim + d];
        }
        if (spec.similarity() == Similarity.COSINE) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int d = 0; d < dim; d++) {
                    float v = z[i * dim + d];
                    s += v * v;
                }
                float norm = (float) Math.sqrt(s + NORM_EPS);
                nz[i] = norm;
                float inv = 1f / norm;
                for (int d = 0; d < dim; d++) {
                    y[i * dim + d] = z[i * dim + d] * inv;
                }
            }
            la.mmTransB(y, 0, dim, eb, 0, dim, logits, 0, classes, n, classes, dim);
            float s = (float) Math.exp(params[oScale]);
            for (int i = 0; i < n * classes; i++) {
                logits[i] *= s;
            }
        } else {
            la.mmTransB(z, 0, dim, eb, 0, dim, logits, 0, classes, n, classes, dim);
        }
    }

    /** Back-propagates {@code dL} (in {@link #dlog}) into {@code grad}. */
    private void backward(int n, float[] grad) {
        float[] dL = dlog;
        dY = grow(dY, n * dim);
        boolean cosine = spec.similarity() == Similarity.COSINE;
        float[] dZ = dY; // reused in place below
        if (cosine) {
            float s = (float) Math.exp(params[oScale]);
            // logits = s * C: ds = sum dL * C = sum dL * logits / s; dC = s * dL
            double ds = 0;
            double[] dbHat = new double[dim];
            for (int i = 0; i < n; i++) {
                int yr = i * dim;
                int lr = i * classes;
                double rowSum = 0;
                for (int c = 0; c < classes; c++) {
                    rowSum += (double) dL[lr + c] * logits[lr + c];
                }
                ds += rowSum / s;
                float gb = dL[lr + vocab] * s;
                for (int d = 0; d < dim; d++) {
                    dbHat[d] += gb * y[yr + d];
                }
            }
            grad[oScale] += (float) (ds * s);
            for (int i = 0; i < n * classes; i++) {
                dL[i] *= s;
            }
            // dŶ = dC · Eb
            la.mmTransB(dL, 0, classes, ebT, 0, classes, dY, 0, dim, n, dim, classes);
            // dZ = (dŶ - (dŶ·ŷ) ŷ) / |z|
            for (int i = 0; i < n; i++) {
                int r = i * dim;
                double dot = 0;
                for (int d = 0; d < dim; d++) {
                    dot += dY[r + d] * y[r + d];
                }
                float inv = 1f / nz[i];
                for (int d = 0; d < dim; d++) {
                    dZ[r + d] = (float) ((dY[r + d] - dot * y[r + d]) * inv);
                }
            }
            // blank: b̂ = b / |b|
            double bn = 0;
            for (int d = 0; d < dim; d++) {
                bn += (double) params[oBlank + d] * params[oBlank + d];
            }
            bn = Math.sqrt(bn + NORM_EPS);
            double dot = 0;
            for (int d = 0; d < dim; d++) {
                dot += dbHat[d] * eb[vocab * dim + d];
            }
            for (int d = 0; d < dim; d++) {
                grad[oBlank + d] += (float) ((dbHat[d] - dot * eb[vocab * dim + d]) / bn);
            }
        } else {
            la.mmTransB(dL, 0, classes, ebT, 0, classes, dZ, 0, dim, n, dim, classes);
            for (int i = 0; i < n; i++) {
                float gb = dL[i * classes + vocab];
                if (gb != 0f) {
                    for (int d = 0; d < dim; d++) {
                        grad[oBlank + d] += gb * z[i * dim + d];
                    }
                }
            }
        }
        // b2, W2
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                grad[oB2 + d] += dZ[i * dim + d];
            }
        }
        dZT = grow(dZT, n * dim);
        hT = grow(hT, n * hidden);
        Linalg.transpose(dZ, 0, dim, n, dim, dZT);
        Linalg.transpose(h, 0, hidden, n, hidden, hT);
        la.mmTransB(dZT, 0, n, hT, 0, n, grad, oW2, hidden, dim, hidden, n);
        // dH = dZ · W2, then through dropout and the activation
        Linalg.transpose(params, oW2, hidden, dim, hidden, w2T);
        dH = grow(dH, n * hidden);
        la.mmTransB(dZ, 0, dim, w2T, 0, dim, dH, 0, hidden, n, hidden, dim);
        Activation act = spec.activation();
        for (int i = 0; i < n * hidden; i++) {
            float m = mask[i];
            if (m == 0f) {
                dH[i] = 0f;
            } else if (act == Activation.GELU) {
                // GELU'(x) = Φ(x) + x φ(x), with Φ(x) = gelu(x) / x recovered from the forward output
                float x = a1[i];
                float phiCdf = Math.abs(x) > 1e-3f ? (h[i] / m) / x : 0.5f + INV_SQRT_2PI * x;
                float dens = INV_SQRT_2PI * (float) Math.exp(-0.5f * x * x);
                dH[i] *= m * (phiCdf + x * dens);
            } else {
                dH[i] *= m * activateGrad(act, a1[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < hidden; j++) {
                grad[oB1 + j] += dH[i * hidden + j];
            }
        }
        dA1T = grow(dA1T, n * hidden);
        xT = grow(xT, n * din);
        Linalg.transpose(dH, 0, hidden, n, hidden, dA1T);
        Linalg.transpose(x, 0, din, n, din, xT);
        la.mmTransB(dA1T, 0, n, xT, 0, n, grad, oW1, din, hidden, din, n);
    }

    private static void normalizeRow(float[] m, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) m[off + i] * m[off + i];
        }
        float inv = (float) (1 / Math.sqrt(s + NORM_EPS));
        for (int i = 0; i < n; i++) {
            m[off + i] *= inv;
        }
    }

    private static float[] grow(float[] a, int n) {
        return a.length >= n ? a : new float[Math.max(n, a.length + a.length / 2)];
    }

    /** The activation function. */
    public static float activate(Activation act, float v) {
        return switch (act) {
            case RELU -> v > 0 ? v : 0f;
            case GELU -> (float) (0.5 * v * (1 + Erf.erf(v / Math.sqrt(2))));
            case GELU_TANH -> (float) (0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v * v * v))));
        };
    }

    private static final double GELU_C = Math.sqrt(2 / Math.PI);

    /** The derivative of {@link #activate}. */
    static float activateGrad(Activation act, float v) {
        return switch (act) {
            case RELU -> v > 0 ? 1f : 0f;
            case GELU -> (float) (0.5 * (1 + Erf.erf(v / Math.sqrt(2))) + v * Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI));
            case GELU_TANH -> {
                double u = GELU_C * (v + 0.044715 * v * v * v);
                double th = Math.tanh(u);
                double du = GELU_C * (1 + 3 * 0.044715 * v * v);
                yield (float) (0.5 * (1 + th) + 0.5 * v * (1 - th * th) * du);
            }
        };
    }
}
