package dev.s2s.whisper.internal;

import java.util.ArrayList;
import java.util.List;

import dev.s2s.api.ModelFormatException;
import dev.s2s.formats.GgmlHParams;
import dev.s2s.formats.GgmlModel;
import dev.s2s.formats.GgmlTensor;
import dev.s2s.formats.GgmlType;
import dev.s2s.kernels.Kernels;

/**
 * The Whisper audio encoder in Java, following whisper.cpp v1.7.1 / ggml's CPU graph and its
 * precision points: conv1 (k=3, pad 1) → GELU → conv2 (k=3, stride 2, pad 1) → GELU → + positional
 * embedding → N pre-LayerNorm blocks (multi-head self-attention, GELU MLP) → final LayerNorm.
 * Activations are rounded to f16 where ggml rounds them (conv im2col, inputs of f16-weight
 * matmuls, K, V, Q and the softmax probabilities), matrix products and softmax run on
 * {@link Kernels}. Weights are read once from the ggml file (f16 widened exactly to float).
 *
 * <p>Immutable after construction; {@link #forward} may run concurrently from several threads.
 */
public final class EncoderNet {

    private static final float LN_EPS = 1e-5f;
    private static final int ROW_BLOCK = 64;

    /** A linear layer {@code y = x·Wᵀ + b} with PyTorch-layout weights {@code out × in}. */
    private record Linear(float[] w, float[] b, int out, int in, boolean half) {
    }

    private record Block(float[] attnLnW, float[] attnLnB, Linear q, Linear k, Linear v, Linear o, float[] mlpLnW,
            float[] mlpLnB, Linear fc1, Linear fc2) {
    }

    private final Kernels kernels = Kernels.get();
    private final int nMels;
    private final int nState;
    private final int nHead;
    private final int nCtx;
    private final float[] pos;
    private final Linear conv1;
    private final Linear conv2;
    private final List<Block> blocks;
    private final float[] lnPostW;
    private final float[] lnPostB;

    /**
     * Reads the encoder tensors of {@code model}.
     *
     * @throws ModelFormatException when a tensor is missing, has the wrong shape, or is quantized
     */
    public EncoderNet(GgmlModel model) {
        GgmlHParams hp = model.hparams();
        if (model.isWeightless()) {
            throw new ModelFormatException(model.path().getFileName()
                    + ": the model holds no tensors (a weightless test model); the Java encoder needs weights");
        }
        nMels = hp.nMels();
        nState = hp.nAudioState();
        nHead = hp.nAudioHead();
        nCtx = hp.nAudioCtx();
        int n = nState;
        pos = model.floats("encoder.positional_embedding", n, nCtx);
        conv1 = linear(model, "encoder.conv1", n, nMels * 3, true, new long[] {3, nMels, n});
        conv2 = linear(model, "encoder.conv2", n, n * 3, true, new long[] {3, n, n});
        List<Block> bs = new ArrayList<>();
        for (int l = 0; l < hp.nAudioLayer(); l++) {
            String p = "encoder.blocks." + l + ".";
            bs.add(new Block(vector(model, p + "attn_ln.weight", n), vector(model, p + "attn_ln.bias", n),
                    linear(model, p + "attn.query", n, n, true, null), linear(model, p + "attn.key", n, n, false, null),
                    linear(model, p + "attn.value", n, n, true, null), linear(model, p + "attn.out", n, n, true, null),
                    vector(model, p + "mlp_ln.weight", n), vector(model, p + "mlp_ln.bias", n),
                    linear(model, p + "mlp.0", 4 * n, n, true, null), linear(model, p + "mlp.2", n, 4 * n, true, null)));
        }
        blocks = List.copyOf(bs);
        lnPostW = vector(model, "encoder.ln_post.weight", n);
        lnPostB = vector(model, "encoder.ln_post.bias", n);
    }

    private static Linear linear(GgmlModel m, String prefix, int out, int in, boolean bias, long[] ne) {
        GgmlTensor t = m.require(prefix + ".weight");
        if (!t.type().isFloat()) {
            throw new ModelFormatException(m.path().getFileName() + ": tensor '" + t.name() + "' is " + t.type()
                    + "; the Java Whisper encoder reads f32 and f16 models only");
        }
        float[] w = m.floats(t.name(), ne != null ? ne : new long[] {in, out});
        float[] b = bias ? vector(m, prefix + ".bias", out) : null;
        return new Linear(w, b, out, in, t.type() == GgmlType.F16);
    }

    private static float[] vector(GgmlModel m, String name, int n) {
        GgmlTensor t = m.require(name);
        if (t.elements() != n) {
            throw new ModelFormatException(m.path().getFileName() + ": tensor '" + name + "' has " + t.elements()
                    + " elements, expected " + n);
        }
        return m.floats(t);
    }

    /** Output width. */
    public int nState() {
        return nState;
    }

    /** Encoder positions per window (1500). */
    public int nCtx() {
        return nCtx;
    }

    /** Mel bands. */
    public int nMels() {
        return nMels;
    }

    /**
     * Encodes one window of {@code 2·nCtx} mel frames taken from a band-major mel of
     * {@code melLen} frames starting at frame {@code offset} (frames past the end read as 0, as in
     * whisper.cpp). Returns {@code nCtx × nState} values, position-major.
     */
    public float[] forward(float[] mel, int melLen, int offset, Parallel par) {
        int n = nState;
        int frames = 2 * nCtx;
        // conv1 via im2col: row t holds input[c][t + k - 1] at c*3 + k, rounded to f16
        int k1 = nMels * 3;
        float[] col1 = new float[frames * k1];
        par.forEach(blocksOf(frames), blk -> {
            for (int t = blk * ROW_BLOCK, end = Math.min(frames, t + ROW_BLOCK); t < end; t++) {
                int row = t * k1;
                for (int c = 0; c < nMels; c++) {
                    for (int k = 0; k < 3; k++) {
                        int f = t + k - 1;
                        float v = 0f;
                        if (f >= 0 && f < frames && offset + f < melLen) {
                            v = mel[c * melLen + offset + f];
                        }
                        col1[row + c * 3 + k] = v;
                    }
                }
                Ops.roundToHalf(col1, row, k1);
            }
        });
        float[] x1 = new float[frames * n];
        apply(conv1, col1, x1, frames, par, false);
        gelu(x1, frames, n, par);
        int k2 = n * 3;
        float[] col2 = new float[nCtx * k2];
        par.forEach(blocksOf(nCtx), blk -> {
            for (int t = blk * ROW_BLOCK, end = Math.min(nCtx, t + ROW_BLOCK); t < end; t++) {
                int row = t * k2;
                for (int k = 0; k < 3; k++) {
                    int f = 2 * t + k - 1;
                    if (f < 0 || f >= frames) {
                        continue;
                    }
                    for (int c = 0; c < n; c++) {
                        col2[row + c * 3 + k] = x1[f * n + c];
                    }
                }
                Ops.roundToHalf(col2, row, k2);
            }
        });
        float[] x = new float[nCtx * n];
        apply(conv2, col2, x, nCtx, par, false);
        gelu(x, nCtx, n, par);
        Ops.add(x, 0, pos, 0, nCtx * n);

        float[] cur = new float[nCtx * n];
        float[] q = new float[nCtx * n];
        float[] kk = new float[nCtx * n];
        float[] v = new float[nCtx * n];
        float[] vt = new float[nCtx * n];
        float[] ctx = new float[nCtx * n];
        float[] hidden = new float[nCtx * 4 * n];
        int dh = n / nHead;
        float scale = (float) (1.0 / Math.sqrt(dh));
        for (Block b : blocks) {
            layerNorm(x, cur, b.attnLnW, b.attnLnB, par);
            apply(b.q, cur, q, nCtx, par, true);
            apply(b.k, cur, kk, nCtx, par, true);
            apply(b.v, cur, v, nCtx, par, true);
            // Q is rounded inside the QK product, K and V are cast to f16; V is transposed per head
            par.forEach(blocksOf(nCtx), blk -> {
                int r0 = blk * ROW_BLOCK;
                int rows = Math.min(ROW_BLOCK, nCtx - r0);
                Ops.roundToHalf(q, r0 * n, rows * n);
                Ops.roundToHalf(kk, r0 * n, rows * n);
                Ops.roundToHalf(v, r0 * n, rows * n);
                for (int j = r0; j < r0 + rows; j++) {
                    for (int c = 0; c < n; c++) {
                        vt[c * nCtx + j] = v[j * n + c];
                    }
                }
            });
            int rowBlocks = blocksOf(nCtx);
            par.forEach(nHead * rowBlocks, task -> {
                int h = task / rowBlocks;
                int r0 = (task % rowBlocks) * ROW_BLOCK;
                int rows = Math.min(ROW_BLOCK, nCtx - r0);
                float[] s = scores(rows * nCtx);
                kernels.matmulTransB(q, r0 * n + h * dh, n, kk, h * dh, n, s, 0, nCtx, rows, nCtx, dh);
                for (int i = 0; i < rows; i++) {
                    int o = i * nCtx;
                    for (int j = 0; j < nCtx; j++) {
                        s[o + j] *= scale;
                    }
                    kernels.softmax(s, o, nCtx);
                }
                Ops.roundToHalf(s, 0, rows * nCtx);
                kernels.matmulTransB(s, 0, nCtx, vt, h * dh * nCtx, nCtx, ctx, r0 * n + h * dh, n, rows, dh, nCtx);
            });
            apply(b.o, ctx, q, nCtx, par, true);
            Ops.add(x, 0, q, 0, nCtx * n);
            layerNorm(x, cur, b.mlpLnW, b.mlpLnB, par);
            apply(b.fc1, cur, hidden, nCtx, par, true);
            gelu(hidden, nCtx, 4 * n, par);
            apply(b.fc2, hidden, q, nCtx, par, true);
            Ops.add(x, 0, q, 0, nCtx * n);
        }
        float[] out = new float[nCtx * n];
        layerNorm(x, out, lnPostW, lnPostB, par);
        return out;
    }

    private final ThreadLocal<float[]> scratch = new ThreadLocal<>();

    /** A per-thread score buffer of at least {@code n} values (reused across heads and layers). */
    private float[] scores(int n) {
        float[] s = scratch.get();
        if (s == null || s.length < n) {
            s = new float[ROW_BLOCK * nCtx];
            scratch.set(s);
        }
        return s;
    }

    private static int blocksOf(int rows) {
        return (rows + ROW_BLOCK - 1) / ROW_BLOCK;
    }

    /**
     * {@code y = x·Wᵀ (+ b)} over {@code m} rows, split into row blocks across the threads. When
     * the weight is f16 and {@code roundInput} is set, each input row is first rounded to f16 (in
     * place), as ggml does before an f16 dot product.
     */
    private void apply(Linear l, float[] x, float[] y, int m, Parallel par, boolean roundInput) {
        // few large row chunks: the kernel keeps a block of W in cache while every row of the chunk passes
        int chunks = Math.min(blocksOf(m), 2 * par.threads());
        int per = (m + chunks - 1) / chunks;
        par.forEach(chunks, c -> {
            int r0 = c * per;
            int rows = Math.min(per, m - r0);
            if (rows <= 0) {
                return;
            }
            if (roundInput && l.half) {
                Ops.roundToHalf(x, r0 * l.in, rows * l.in);
            }
            kernels.matmulTransB(x, r0 * l.in, l.in, l.w, 0, l.in, y, r0 * l.out, l.out, rows, l.out, l.in);
            if (l.b != null) {
                Ops.addRows(y, r0 * l.out, rows, l.b, l.out);
            }
        });
    }

    private static void gelu(float[] x, int rows, int n, Parallel par) {
        par.forEach(blocksOf(rows), blk -> {
            int r0 = blk * ROW_BLOCK;
            int r = Math.min(ROW_BLOCK, rows - r0);
            Ops.gelu(x, r0 * n, r * n);
        });
    }

    private void layerNorm(float[] x, float[] y, float[] w, float[] b, Parallel par) {
        par.forEach(blocksOf(nCtx), blk -> {
            int r0 = blk * ROW_BLOCK;
            int r = Math.min(ROW_BLOCK, nCtx - r0);
            Ops.layerNorm(x, r0 * nState, y, r0 * nState, r, nState, w, b, LN_EPS);
        });
    }

    /**
     * Floating-point operations of one window's forward pass (multiply-adds counted as 2), for
     * benchmarks.
     */
    public double flops() {
        double n = nState;
        double t = nCtx;
        double conv = 2.0 * (2 * t) * (nMels * 3) * n + 2.0 * t * (3 * n) * n;
        double perLayer = 2.0 * t * n * n * 4 + 2.0 * t * n * 4 * n * 2 + 2.0 * t * t * n * 2;
        return conv + perLayer * blocks.size();
    }
}
