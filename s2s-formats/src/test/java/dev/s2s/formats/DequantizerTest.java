package dev.s2s.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import dev.s2s.api.ModelFormatException;
import dev.s2s.api.TokenMatrix;
import dev.s2s.testkit.TestData;

/** Every dequantizer against ggml's own, bit for bit, on random data and on a real file. */
class DequantizerTest {

    private static final int N = 256 * 16;

    /** Random values in several regimes: normal, wide, tiny, with exact zeros and constant runs. */
    private static float[] randomValues(long seed) {
        Random r = new Random(seed);
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            int regime = (i / 256) % 4;
            x[i] = switch (regime) {
                case 0 -> (float) r.nextGaussian();
                case 1 -> (float) (r.nextGaussian() * 1000);
                case 2 -> (float) (r.nextGaussian() * 1e-3) + 0.5f;
                default -> i % 7 == 0 ? 0f : (float) (r.nextDouble() * 2 - 1);
            };
        }
        for (int i = 3 * 256; i < 3 * 256 + 64; i++) {
            x[i] = 0f; // a block of zeros
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void quantizedTypesMatchGgmlBitForBit(GgmlType type) throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            float[] x = randomValues(seed * 31 + type.id());
            byte[] q = GgmlReference.quantize(type, x);
            float[] expected = GgmlReference.dequantize(type, q, N);
            float[] actual = Dequantizer.dequantize(type, MemorySegment.ofArray(q), N);
            assertBitsEqual(type, expected, actual);
            // sanity: the reference is a real approximation of the input, so the comparison is not vacuous
            double err = 0;
            double norm = 0;
            for (int i = 0; i < N; i++) {
                err += Math.abs(expected[i] - x[i]);
                norm += Math.abs(x[i]);
            }
            assertThat(err / norm).as("relative error of %s", type).isLessThan(0.2);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F16", "BF16"})
    void everyHalfBitPatternMatchesGgml(GgmlType type) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(65536 * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 65536; i++) {
            b.putShort((short) i);
        }
        byte[] data = b.array();
        float[] expected = GgmlReference.dequantize(type, data, 65536);
        float[] actual = Dequantizer.dequantize(type, MemorySegment.ofArray(data), 65536);
        for (int i = 0; i < 65536; i++) {
            if (Float.isNaN(expected[i])) {
                assertThat(actual[i]).as("%s pattern %04x", type, i).isNaN();
            } else {
                assertThat(Float.floatToRawIntBits(actual[i])).as("%s pattern %04x", type, i)
                        .isEqualTo(Float.floatToRawIntBits(expected[i]));
            }
        }
    }

    @Test
    void f32IsCopiedExactly() {
        float[] x = randomValues(7);
        ByteBuffer b = ByteBuffer.allocate(N * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
            b.putFloat(v);
        }
        float[] y = Dequantizer.dequantize(GgmlType.F32, MemorySegment.ofArray(b.array()), N);
        assertBitsEqual(GgmlType.F32, x, y);
    }

    @Test
    void dequantizesIntoAnOffset() throws Exception {
        float[] x = randomValues(11);
        byte[] q = GgmlReference.quantize(GgmlType.Q4_K, x);
        float[] expected = GgmlReference.dequantize(GgmlType.Q4_K, q, N);
        float[] out = new float[N + 5];
        // the second half only, written at offset 5
        Dequantizer.dequantize(GgmlType.Q4_K, MemorySegment.ofArray(q), GgmlType.Q4_K.byteSize(N / 2), out, 5, N / 2);
        for (int i = 0; i < N / 2; i++) {
            assertThat(Float.floatToRawIntBits(out[5 + i])).isEqualTo(Float.floatToRawIntBits(expected[N / 2 + i]));
        }
    }

    @Test
    void unsupportedTypesNameTheType() {
        MemorySegment seg = MemorySegment.ofArray(new byte[GgmlType.Q2_K.typeSize()]);
        assertThatThrownBy(() -> Dequantizer.dequantize(GgmlType.Q2_K, seg, 256))
                .isInstanceOf(ModelFormatException.class).hasMessage("unsupported tensor type Q2_K");
        assertThatThrownBy(() -> Dequantizer.dequantize(GgmlType.Q8_0, MemorySegment.ofArray(new byte[68]), 40))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("whole number of Q8_0 blocks");
    }

    @Test
    void realQ8FileMatchesGgmlDequantizedTokenEmbeddings() throws Exception {
        Path model = TestData.model("stories260K-q8_0.gguf");
        Path reference = TestData.model("stories260K-q8_0.token_embd.f32");
        ByteBuffer ref = ByteBuffer.wrap(Files.readAllBytes(reference)).order(ByteOrder.LITTLE_ENDIAN);
        try (GgufFile f = GgufFile.open(model)) {
            GgufTensor t = f.tensor(GgufFile.TOKEN_EMBEDDINGS).orElseThrow();
            assertThat(t.type()).isEqualTo(GgmlType.Q8_0);
            float[] values = f.dequantize(t);
            assertThat(values).hasSize(ref.capacity() / 4).hasSize(512 * 64);
            for (int i = 0; i < values.length; i++) {
                assertThat(Float.floatToRawIntBits(values[i])).as("value %d", i)
                        .isEqualTo(Float.floatToRawIntBits(ref.getFloat(i * 4)));
            }
            TokenMatrix m = f.tokenEmbeddings();
            assertThat(m.rows()).isEqualTo(512);
            assertThat(m.dim()).isEqualTo(64);
            assertThat(m.toFloats()).isEqualTo(values);
            assertThat(m.vocabulary().size()).isEqualTo(512);
            // and against ggml's dequantizer called directly on the file's bytes
            byte[] raw = f.data(t).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            assertBitsEqual(GgmlType.Q8_0, GgmlReference.dequantize(GgmlType.Q8_0, raw, values.length), values);
        }
    }

    private static void assertBitsEqual(GgmlType type, float[] expected, float[] actual) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(type + ": value " + i + " differs: ggml " + expected[i] + " ("
                        + Integer.toHexString(Float.floatToRawIntBits(expected[i])) + "), ours " + actual[i] + " ("
                        + Integer.toHexString(Float.floatToRawIntBits(actual[i])) + ")");
            }
        }
    }
}
