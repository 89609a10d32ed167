package dev.s2s.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;

import ai.onnx.proto.OnnxMl;
import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.ModelFormatException;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.formats.SafetensorsWriter;
import dev.s2s.kernels.Kernels;

/**
 * "djl" against "mlp" on the same weights: the ONNX graph is built here, in Java, with the ONNX
 * protobuf classes from tribuo-util-onnx. ONNX Runtime runs with one thread.
 */
class DjlProjectorTest {

    @TempDir
    Path dir;

    /** A tiny ONNX graph builder over the raw protobuf classes. */
    static final class Graph {
        final OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("projector");
        int n;

        String init(String name, float[] v, long... dims) {
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float x : v) {
                b.putFloat(x);
            }
            b.flip();
            OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                    .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setRawData(ByteString.copyFrom(b));
            for (long d : dims) {
                t.addDims(d);
            }
            g.addInitializer(t);
            return name;
        }

        String initLong(String name, long... v) {
            OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                    .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber()).addDims(v.length);
            for (long x : v) {
                t.addInt64Data(x);
            }
            g.addInitializer(t);
            return name;
        }

        String op(String type, OnnxMl.AttributeProto[] attrs, String... inputs) {
            String out = type.toLowerCase() + "_" + (n++);
            OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder().setOpType(type).setName(out).addOutput(out);
            for (String i : inputs) {
                node.addInput(i);
            }
            for (OnnxMl.AttributeProto a : attrs) {
                node.addAttribute(a);
            }
            g.addNode(node);
            return out;
        }

        String op(String type, String... inputs) {
            return op(type, new OnnxMl.AttributeProto[0], inputs);
        }

        static OnnxMl.AttributeProto attrF(String name, float v) {
            return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
                    .setF(v).build();
        }

        static OnnxMl.AttributeProto attrI(String name, long v) {
            return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                    .setI(v).build();
        }

        static OnnxMl.AttributeProto attrInts(String name, long... v) {
            OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.INTS);
            for (long x : v) {
                a.addInts(x);
            }
            return a.build();
        }

        static OnnxMl.ValueInfoProto value(String name, String dim0, long dim1) {
            OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
                    .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(dim0))
                    .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(dim1)).build();
            return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                    .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                            .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
        }

        void write(Path p, String input, int inDim, String output, int outDim) throws IOException {
            g.addInput(value(input, "T", inDim));
            g.addOutput(value(output, "S", outDim));
            OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("s2s-test")
                    .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g)
                    .build();
            Files.write(p, m.toByteArray());
        }
    }

    static float[] gaussian(Random r, int n, double s) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * s);
        }
        return x;
    }

    static float[] transpose(float[] w, int rows, int cols) {
        float[] t = new float[w.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = w[i * cols + j];
            }
        }
        return t;
    }

    /**
     * Writes the same projector twice: safetensors + JSON for "mlp", and an ONNX graph for "djl".
     * Normalisation, stacking by 2, RMSNorm, Linear, GELU or SwiGLU, Linear, LayerNorm.
     */
    private Path[] build(boolean swiglu) throws IOException {
        Random r = new Random(swiglu ? 31 : 32);
        int d = 10;
        int stack = 2;
        int in = d * stack;
        int h = 16;
        int h1 = swiglu ? 2 * h : h;
        int out = 12;
        float[] mean = gaussian(r, d, 1);
        float[] std = new float[d];
        for (int i = 0; i < d; i++) {
            std[i] = 0.5f + r.nextFloat();
        }
        float[] pre = gaussian(r, in, 1);
        float[] w1 = gaussian(r, h1 * in, 0.3);
        float[] b1 = gaussian(r, h1, 0.1);
        float[] w2 = gaussian(r, out * h, 0.3);
        float[] b2 = gaussian(r, out, 0.1);
        float[] lnw = gaussian(r, out, 1);
        float[] lnb = gaussian(r, out, 1);
        Path st = dir.resolve("p" + swiglu + ".safetensors");
        new SafetensorsWriter().add("mean", mean, d).add("std", std, d).add("pre", pre, in).add("w1", w1, h1, in)
                .add("b1", b1, h1).add("w2", w2, out, h).add("b2", b2, out).add("lnw", lnw, out).add("lnb", lnb, out)
                .add("blank", gaussian(r, out, 1), out).write(st);
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("weights", st.toString());
        cfg.put("stack", stack);
        cfg.put("tail", "drop");
        cfg.put("activation", swiglu ? "swiglu" : "gelu");
        cfg.put("inputMean", "mean");
        cfg.put("inputStd", "std");
        cfg.put("preNorm", Map.of("type", "rmsnorm", "weight", "pre", "eps", 1e-6));
        cfg.put("linear1", Map.of("weight", "w1", "bias", "b1"));
        cfg.put("linear2", Map.of("weight", "w2", "bias", "b2"));
        cfg.put("postNorm", Map.of("type", "layernorm", "weight", "lnw", "bias", "lnb", "eps", 1e-5));
        cfg.put("blank", "blank");
        Path json = dir.resolve("p" + swiglu + ".json");
        new ObjectMapper().writeValue(json.toFile(), cfg);

        Graph g = new Graph();
        String x = g.op("Div", g.op("Sub", "x", g.init("mean", mean, d)), g.init("std", std, d));
        x = g.op("Reshape", x, g.initLong("stack_shape", -1, in));
        String ms = g.op("ReduceMean", new OnnxMl.AttributeProto[] {Graph.attrInts("axes", -1), Graph.attrI("keepdims", 1)},
                g.op("Mul", x, x));
        String rms = g.op("Sqrt", g.op("Add", ms, g.init("eps", new float[] {1e-6f})));
        x = g.op("Mul", g.op("Div", x, rms), g.init("pre", pre, in));
        String a;
        if (swiglu) {
            float[] wv = java.util.Arrays.copyOfRange(w1, 0, h * in);
            float[] wg = java.util.Arrays.copyOfRange(w1, h * in, 2 * h * in);
            String v = g.op("Add", g.op("MatMul", x, g.init("wv", transpose(wv, h, in), in, h)),
                    g.init("bv", java.util.Arrays.copyOfRange(b1, 0, h), h));
            String gate = g.op("Add", g.op("MatMul", x, g.init("wg", transpose(wg, h, in), in, h)),
                    g.init("bg", java.util.Arrays.copyOfRange(b1, h, 2 * h), h));
            a = g.op("Mul", v, g.op("Mul", gate, g.op("Sigmoid", gate)));
        } else {
            String hh = g.op("Add", g.op("MatMul", x, g.init("w1t", transpose(w1, h, in), in, h)), g.init("b1", b1, h));
            String erf = g.op("Erf", g.op("Div", hh, g.init("sqrt2", new float[] {(float) Math.sqrt(2)})));
            a = g.op("Mul", g.op("Mul", hh, g.op("Add", erf, g.init("one", new float[] {1f}))),
                    g.init("half", new float[] {0.5f}));
        }
        String z = g.op("Add", g.op("MatMul", a, g.init("w2t", transpose(w2, out, h), h, out)), g.init("b2", b2, out));
        String y = g.op("LayerNormalization", new OnnxMl.AttributeProto[] {Graph.attrI("axis", -1),
            Graph.attrF("epsilon", 1e-5f)}, z, g.init("lnw", lnw, out), g.init("lnb", lnb, out));
        Path onnx = dir.resolve("p" + swiglu + ".onnx");
        g.write(onnx, "x", d, y, out);
        return new Path[] {json, onnx, st};
    }

    @Test
    void djlAndMlpAgreeWithin1e4ForGeluAndSwiglu() throws IOException {
        for (boolean swiglu : new boolean[] {false, true}) {
            Path[] files = build(swiglu);
            Random r = new Random(33);
            try (EmbeddingProjector mlp = MlpProjector.load(ProviderConfig.read(files[0]), Kernels.get(), null, 1);
                    EmbeddingProjector djl = S2s.projector("djl", ProviderConfig.of(Map.of("model", files[1].toString(),
                            "inputDim", 10, "frameMultiple", 2, "tail", "drop", "threads", 1, "blankWeights", files[2].toString(),
                            "blankTensor", "blank")))) {
                assertThat(djl.inputDim()).isEqualTo(10);
                assertThat(djl.outputDim()).isEqualTo(12);
                assertThat(djl.blank()).get().isEqualTo(mlp.blank().orElseThrow());
                for (int frames : new int[] {2, 9, 30}) {
                    EmbeddingSequence in = new EmbeddingSequence(gaussian(r, frames * 10, 1), frames, 10, 50);
                    EmbeddingSequence a = mlp.project(in);
                    EmbeddingSequence b = djl.project(in);
                    assertThat(b.frames()).isEqualTo(a.frames()).isEqualTo(frames / 2);
                    assertThat(b.framesPerSecond()).isEqualTo(25.0);
                    for (int i = 0; i < a.frames(); i++) {
                        for (int j = 0; j < a.dim(); j++) {
                            assertThat(b.get(i, j)).as("swiglu=%s frame %d dim %d", swiglu, i, j)
                                    .isCloseTo(a.get(i, j), org.assertj.core.data.Offset.offset(1e-4f));
                        }
                    }
                }
                assertThatThrownBy(() -> djl.project(new EmbeddingSequence(new float[3], 1, 3, 0)))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width 10");
            }
        }
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        assertThat(System.getProperty("OPT_OUT_TRACKING")).isEqualTo("true");
    }

    @Test
    void corruptModelIsAClearFormatError() throws IOException {
        Path bad = dir.resolve("bad.onnx");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5});
        assertThatThrownBy(() -> S2s.projector("djl", ProviderConfig.of(Map.of("model", bad.toString(), "inputDim", 4))))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("bad.onnx");
    }
}
