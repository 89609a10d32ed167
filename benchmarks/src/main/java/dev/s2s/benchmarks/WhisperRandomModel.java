package dev.s2s.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import dev.s2s.formats.GgmlHParams;
import dev.s2s.formats.GgmlType;
import dev.s2s.formats.GgmlWriter;

/**
 * Writes a complete whisper.cpp ggml model (encoder and decoder) of a given shape with random
 * weights, in the dtypes whisper.cpp 1.7.1 expects for {@code ftype = 1}: f16 matrices and conv
 * kernels, f32 biases, LayerNorms and positional embeddings. For benchmarks: whisper.cpp loads it
 * like a real model. Not thread-safe.
 */
final class WhisperRandomModel {

    private final SplittableRandom rnd;
    private GgmlWriter out;

    private WhisperRandomModel(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** Writes a model with {@code n}-wide, {@code heads}-head, {@code layers}-deep encoder and decoder. */
    static void write(Path path, int n, int heads, int layers, long seed) {
        new WhisperRandomModel(seed).writeModel(path, n, heads, layers);
    }

    private void writeModel(Path path, int n, int heads, int layers) {
        int nVocab = 51864;
        GgmlHParams hp = new GgmlHParams(nVocab, 1500, n, heads, layers, 448, n, heads, layers, 80, 1);
        List<byte[]> vocab = new ArrayList<>();
        for (int i = 0; i < 50257; i++) {
            vocab.add(("t" + i).getBytes(StandardCharsets.UTF_8));
        }
        try (GgmlWriter w = GgmlWriter.create(path, hp, melFilters(80), vocab)) {
            out = w;
            sinusoids("encoder.positional_embedding", 1500, n);
            matrix("encoder.conv1.weight", 1.0 / Math.sqrt(240), 3, 80, n);
            vector("encoder.conv1.bias", 0.1, 1, n);
            matrix("encoder.conv2.weight", 1.0 / Math.sqrt(3.0 * n), 3, n, n);
            vector("encoder.conv2.bias", 0.1, 1, n);
            for (int l = 0; l < layers; l++) {
                block("encoder.blocks." + l + ".", n, false);
            }
            norm("encoder.ln_post", n);
            vector("decoder.positional_embedding", 0.02, n, 448);
            matrix("decoder.token_embedding.weight", 0.5, n, nVocab);
            for (int l = 0; l < layers; l++) {
                block("decoder.blocks." + l + ".", n, true);
            }
            norm("decoder.ln", n);
        }
    }

    private void block(String p, int n, boolean cross) {
        attention(p + "attn", n);
        norm(p + "attn_ln", n);
        if (cross) {
            attention(p + "cross_attn", n);
            norm(p + "cross_attn_ln", n);
        }
        matrix(p + "mlp.0.weight", 1.0 / Math.sqrt(n), n, 4 * n);
        vector(p + "mlp.0.bias", 0.1, 4 * n);
        matrix(p + "mlp.2.weight", 1.0 / Math.sqrt(4.0 * n), 4 * n, n);
        vector(p + "mlp.2.bias", 0.1, n);
        norm(p + "mlp_ln", n);
    }

    private void attention(String p, int n) {
        double s = 1.0 / Math.sqrt(n);
        matrix(p + ".query.weight", s, n, n);
        vector(p + ".query.bias", 0.1, n);
        matrix(p + ".key.weight", s, n, n);
        matrix(p + ".value.weight", s, n, n);
        vector(p + ".value.bias", 0.1, n);
        matrix(p + ".out.weight", s, n, n);
        vector(p + ".out.bias", 0.1, n);
    }

    private void norm(String p, int n) {
        float[] w = gaussian(n, 0.1);
        for (int i = 0; i < n; i++) {
            w[i] += 1f;
        }
        out.tensor(p + ".weight", GgmlType.F32, w, n);
        vector(p + ".bias", 0.1, n);
    }

    private void matrix(String name, double std, long... ne) {
        out.tensor(name, GgmlType.F16, gaussian((int) product(ne), std), ne);
    }

    private void vector(String name, double std, long... ne) {
        out.tensor(name, GgmlType.F32, gaussian((int) product(ne), std), ne);
    }

    private void sinusoids(String name, int len, int n) {
        float[] v = new float[len * n];
        int half = n / 2;
        for (int t = 0; t < len; t++) {
            for (int k = 0; k < half; k++) {
                double w = Math.exp(-k * Math.log(10000) / (half - 1));
                v[t * n + k] = (float) Math.sin(t * w);
                v[t * n + half + k] = (float) Math.cos(t * w);
            }
        }
        out.tensor(name, GgmlType.F32, v, n, len);
    }

    private float[] gaussian(int count, double std) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            double u1 = rnd.nextDouble();
            double u2 = rnd.nextDouble();
            v[i] = (float) (std * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2));
        }
        return v;
    }

    private static long product(long[] ne) {
        long p = 1;
        for (long d : ne) {
            p *= d;
        }
        return p;
    }

    /** A triangular mel filter bank over 201 FFT bins (HTK mel scale, 0 to 8 kHz). */
    static float[] melFilters(int bands) {
        float[] f = new float[bands * 201];
        double maxMel = 2595 * Math.log10(1 + 8000 / 700.0);
        double[] edges = new double[bands + 2];
        for (int i = 0; i < edges.length; i++) {
            double mel = maxMel * i / (bands + 1);
            edges[i] = 700 * (Math.pow(10, mel / 2595) - 1);
        }
        for (int b = 0; b < bands; b++) {
            for (int k = 0; k < 201; k++) {
                double hz = k * 8000.0 / 200;
                double up = (hz - edges[b]) / (edges[b + 1] - edges[b]);
                double down = (edges[b + 2] - hz) / (edges[b + 2] - edges[b + 1]);
                f[b * 201 + k] = (float) Math.max(0, Math.min(up, down)) * (float) (2.0 / (edges[b + 2] - edges[b]));
            }
        }
        return f;
    }
}
