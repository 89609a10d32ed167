package dev.s2s.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.s2s.api.ConfigException;
import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.ModelFormatException;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.formats.SafetensorsDtype;
import dev.s2s.formats.SafetensorsWriter;
import dev.s2s.kernels.Kernels;

/** The "mlp" projector against an independent float64 reference written here. */
class MlpProjectorTest {

    @TempDir
    Path dir;

    static Stream<Kernels> kernels() {
        return Stream.of(Kernels.scalar(), Kernels.get()).distinct();
    }

    /** A random projector: tensors, config and a float64 reference of the forward pass. */
    static final class Spec {
        final int d;
        final int stack;
        final boolean pad;
        final int context;
        final String act;
        final int h1;
        final int out;
        final boolean norms;
        final Map<String, float[]> t = new LinkedHashMap<>();
        final Map<String, long[]> shapes = new LinkedHashMap<>();

        Spec(Random r, int d, int stack, boolean pad, int context, String act, int h, int out, boolean norms) {
            this.d = d;
            this.stack = stack;
            this.pad = pad;
            this.context = context;
            this.act = act;
            this.h1 = act.equals("swiglu") ? 2 * h : h;
            this.out = out;
            this.norms = norms;
            int in = d * stack * (2 * context + 1);
            put(r, "proj.linear_1.weight", 1 / Math.sqrt(in), h1, in);
            put(r, "proj.linear_1.bias", 0.1, h1);
            put(r, "proj.linear_2.weight", 1 / Math.sqrt(h), out, h);
            put(r, "proj.linear_2.bias", 0.1, out);
            if (norms) {
                put(r, "mean", 1, d);
                float[] std = new float[d];
                for (int i = 0; i < d; i++) {
                    std[i] = 0.5f + r.nextFloat();
                }
                t.put("std", std);
                shapes.put("std", new long[] {d});
                put(r, "ln_pre.weight", 1, in);
                put(r, "ln_post.weight", 1, out);
                put(r, "ln_post.bias", 1, out);
            }
            put(r, "blank", 1, out);
        }

        private void put(Random r, String name, double sigma, long... shape) {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            float[] v = new float[(int) n];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * sigma);
            }
            t.put(name, v);
            shapes.put(name, shape);
        }

        Path write(Path dir, SafetensorsDtype dtype) throws IOException {
            SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
            for (String k : t.keySet()) {
                w.add(k, dtype, t.get(k), shapes.get(k));
                if (dtype != SafetensorsDtype.F32) {
                    // what the reader will see: the rounded values
                    t.put(k, roundTrip(dtype, t.get(k)));
                }
            }
            Path weights = dir.resolve("proj-" + act + "-" + dtype + ".safetensors");
            w.write(weights);
            Map<String, Object> cfg = new LinkedHashMap<>();
            cfg.put("weights", weights.getFileName().toString());
            cfg.put("stack", stack);
            cfg.put("tail", pad ? "pad" : "drop");
            cfg.put("context", context);
            cfg.put("activation", act);
            cfg.put("linear1", Map.of("weight", "proj.linear_1.weight", "bias", "proj.linear_1.bias"));
            cfg.put("linear2", Map.of("weight", "proj.linear_2.weight", "bias", "proj.linear_2.bias"));
            if (norms) {
                cfg.put("inputMean", "mean");
                cfg.put("inputStd", "std");
                cfg.put("preNorm", Map.of("type", "rmsnorm", "weight", "ln_pre.weight", "eps", 1e-6));
                cfg.put("postNorm", Map.of("type", "layernorm", "weight", "ln_post.weight", "bias", "ln_post.bias"));
            }
            cfg.put("blank", "blank");
            Path json = dir.resolve("proj-" + act + "-" + dtype + ".json");
            new ObjectMapper().writeValue(json.toFile(), cfg);
            return json;
        }

        private static float[] roundTrip(SafetensorsDtype dtype, float[] v) {
            float[] o = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                o[i] = dtype == SafetensorsDtype.F16 ? Float.float16ToFloat(Float.floatToFloat16(v[i]))
                        : Float.intBitsToFloat((roundBf16(v[i]) & 0xFFFF) << 16);
            }
            return o;
        }

        private static int roundBf16(float v) {
            int bits = Float.floatToRawIntBits(v);
            return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
        }

        /** float64 forward pass. */
        double[][] reference(float[] x, int frames) {
            int s = pad ? (frames + stack - 1) / stack : frames / stack;
            double[][] stacked = new double[s][d * stack];
            for (int f = 0; f < s * stack && f < frames; f++) {
                for (int i = 0; i < d; i++) {
                    double v = x[f * d + i];
                    if (norms) {
                        v = (v - t.get("mean")[i]) / t.get("std")[i];
                    }
                    stacked[f / stack][(f % stack) * d + i] = v;
                }
            }
            int in = d * stack * (2 * context + 1);
            double[][] y = new double[s][];
            for (int f = 0; f < s; f++) {
                double[] v = new double[in];
                for (int o = -context; o <= context; o++) {
                    if (f + o >= 0 && f + o < s) {
                        System.arraycopy(stacked[f + o], 0, v, (o + context) * d * stack, d * stack);
                    }
                }
                if (norms) {
                    double ms = 0;
                    for (double e : v) {
                        ms += e * e;
                    }
                    double inv = 1 / Math.sqrt(ms / in + 1e-6);
                    for (int i = 0; i < in; i++) {
                        v[i] *= inv * t.get("ln_pre.weight")[i];
                    }
                }
                double[] h = linear(v, t.get("proj.linear_1.weight"), t.get("proj.linear_1.bias"), h1);
                double[] a;
                if (act.equals("swiglu")) {
                    a = new double[h1 / 2];
                    for (int i = 0; i < a.length; i++) {
                        double g = h[h1 / 2 + i];
                        a[i] = h[i] * g / (1 + Math.exp(-g));
                    }
                } else {
                    a = new double[h1];
                    for (int i = 0; i < h1; i++) {
                        a[i] = act.equals("relu") ? Math.max(0, h[i]) : act.equals("silu") ? h[i] / (1 + Math.exp(-h[i]))
                                : 0.5 * h[i] * (1 + erf(h[i] / Math.sqrt(2)));
                    }
                }
                double[] z = linear(a, t.get("proj.linear_2.weight"), t.get("proj.linear_2.bias"), out);
                if (norms) {
                    double mu = 0;
                    for (double e : z) {
                        mu += e;
                    }
                    mu /= out;
                    double var = 0;
                    for (double e : z) {
                        var += (e - mu) * (e - mu);
                    }
                    var /= out;
                    for (int i = 0; i < out; i++) {
                        z[i] = (z[i] - mu) / Math.sqrt(var + 1e-5) * t.get("ln_post.weight")[i] + t.get("ln_post.bias")[i];
                    }
                }
                y[f] = z;
            }
            return y;
        }

        private static double[] linear(double[] x, float[] w, float[] b, int n) {
            double[] y = new double[n];
            for (int o = 0; o < n; o++) {
                double s = b[o];
                for (int i = 0; i < x.length; i++) {
                    s += w[o * x.length + i] * x[i];
                }
                y[o] = s;
            }
            return y;
        }
    }

    /** erf by its Taylor / continued-fraction-free series (converges everywhere; double precision here). */
    static double erf(double x) {
        if (Math.abs(x) > 6) {
            return Math.signum(x);
        }
        double sum = 0;
        double term = x;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    static float[] input(Random r, int frames, int d) {
        float[] x = new float[frames * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    static void assertClose(EmbeddingSequence got, double[][] ref, double tol) {
        assertThat(got.frames()).isEqualTo(ref.length);
        for (int f = 0; f < ref.length; f++) {
            for (int i = 0; i < ref[f].length; i++) {
                assertThat((double) got.get(f, i)).as("frame %d dim %d", f, i)
                        .isCloseTo(ref[f][i], org.assertj.core.data.Offset.offset(tol * Math.max(1, Math.abs(ref[f][i]))));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void matchesFloat64ReferenceAcrossVariants(Kernels k) throws IOException {
        Random r = new Random(21);
        Object[][] variants = {
            {"gelu", 3, true, 0, true, SafetensorsDtype.F32},
            {"relu", 2, false, 1, false, SafetensorsDtype.F32},
            {"swiglu", 4, true, 1, true, SafetensorsDtype.F16},
            {"silu", 1, true, 0, false, SafetensorsDtype.BF16},
            {"gelu", 4, false, 2, true, SafetensorsDtype.BF16},
        };
        for (Object[] v : variants) {
            Spec spec = new Spec(r, 12, (int) v[1], (boolean) v[2], (int) v[3], (String) v[0], 24, 20, (boolean) v[4]);
            Path json = spec.write(dir, (SafetensorsDtype) v[5]);
            try (MlpProjector p = MlpProjector.load(ProviderConfig.read(json), k, null, 1)) {
                assertThat(p.inputDim()).isEqualTo(12);
                assertThat(p.outputDim()).isEqualTo(20);
                assertThat(p.blank()).get().isEqualTo(spec.t.get("blank"));
                for (int frames : new int[] {1, 7, 16, 23}) {
                    float[] x = input(r, frames, 12);
                    EmbeddingSequence out = p.project(new EmbeddingSequence(x, frames, 12, 50));
                    assertThat(out.framesPerSecond()).isEqualTo(50.0 / spec.stack);
                    assertClose(out, spec.reference(x, frames), 1e-4);
                }
            }
        }
    }

    @Test
    void providerLoadsFromConfigFileAndInlineAndMultiThreaded() throws IOException {
        Random r = new Random(22);
        Spec spec = new Spec(r, 8, 2, true, 0, "gelu", 64, 48, true);
        Path json = spec.write(dir, SafetensorsDtype.F32);
        float[] x = input(r, 40, 8);
        EmbeddingSequence in = new EmbeddingSequence(x, 40, 8, 100);
        EmbeddingSequence a;
        try (EmbeddingProjector p = S2s.projector("mlp", ProviderConfig.of(Map.of("config", json.toString())))) {
            a = p.project(in);
        }
        try (EmbeddingProjector p = S2s.projector("mlp", ProviderConfig.read(json).with("threads", 3))) {
            assertThat(p.project(in)).isEqualTo(a);
            assertThat(p.blank()).isPresent();
        }
        assertClose(a, spec.reference(x, 40), 1e-4);
    }

    @Test
    void emptyAndShortInputs() throws IOException {
        Spec spec = new Spec(new Random(23), 4, 3, false, 0, "relu", 8, 6, false);
        try (MlpProjector p = MlpProjector.load(spec.write(dir, SafetensorsDtype.F32))) {
            assertThat(p.project(new EmbeddingSequence(new float[8], 2, 4, 10)).frames()).isZero();
            assertThat(p.project(new EmbeddingSequence(new float[0], 0, 4, 10)).dim()).isEqualTo(6);
            assertThatThrownBy(() -> p.project(new EmbeddingSequence(new float[5], 1, 5, 10)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width 4");
        }
    }

    @Test
    void inconsistentFilesAndConfigsAreRejectedClearly() throws IOException {
        Random r = new Random(24);
        Spec spec = new Spec(r, 6, 2, true, 0, "gelu", 10, 5, true);
        Path json = spec.write(dir, SafetensorsDtype.F32);
        ProviderConfig good = ProviderConfig.read(json);
        assertThatThrownBy(() -> MlpProjector.load(good.with("stack", 5), Kernels.scalar(), null, 1))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("not divisible by stack 5");
        assertThatThrownBy(() -> MlpProjector.load(good.with("activation", "swiglu"), Kernels.scalar(), null, 1))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("linear2 input width");
        assertThatThrownBy(() -> MlpProjector.load(good.with("activation", "tanh"), Kernels.scalar(), null, 1))
                .isInstanceOf(ConfigException.class).hasMessageContaining("activation");
        assertThatThrownBy(() -> MlpProjector.load(good.with("tail", "wrap"), Kernels.scalar(), null, 1))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tail");
        assertThatThrownBy(() -> MlpProjector.load(good.with("inputStd", "mean"), Kernels.scalar(), null, 1))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("positive finite");
        assertThatThrownBy(() -> MlpProjector.load(good.with("blank", "proj.linear_1.bias"), Kernels.scalar(), null, 1))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("expected [5]");
        assertThatThrownBy(() -> MlpProjector.load(good.with("linear1", Map.of("weight", "nope")), Kernels.scalar(),
                null, 1)).isInstanceOf(ModelFormatException.class).hasMessageContaining("no tensor named 'nope'");
        assertThatThrownBy(() -> MlpProjector.load(good.with("linear1", Map.of("weight", "mean")), Kernels.scalar(),
                null, 1)).isInstanceOf(ModelFormatException.class).hasMessageContaining("must be a non-empty matrix");
        assertThatThrownBy(() -> MlpProjector.load(good.with("preNorm", Map.of("type", "batchnorm")), Kernels.scalar(),
                null, 1)).isInstanceOf(ConfigException.class).hasMessageContaining("rmsnorm or layernorm");
        assertThatThrownBy(() -> MlpProjector.load(good.with("inputDim", 7), Kernels.scalar(), null, 1))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("inputDim 7");
        assertThatThrownBy(() -> MlpProjector.load(good.with("weights", "missing.safetensors"), Kernels.scalar(), null,
                1)).isInstanceOf(ConfigException.class).hasMessageContaining("does not exist");
        Path garbage = dir.resolve("garbage.safetensors");
        Files.write(garbage, new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9});
        assertThatThrownBy(() -> MlpProjector.load(good.with("weights", garbage.toString()), Kernels.scalar(), null, 1))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("header length");
    }
}
