package dev.s2s.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.s2s.api.ModelFormatException;
import dev.s2s.api.TokenMatrix;
import dev.s2s.api.Vocabulary;
import dev.s2s.testkit.TestData;

/** The GGUF reader: structure, metadata, alignment, bad files, and the real models. */
class GgufFileTest {

    @TempDir
    Path dir;

    private static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    private static GgufTestWriter tinyModel() {
        return new GgufTestWriter()
                .str("general.architecture", "llama")
                .strings("tokenizer.ggml.tokens", List.of("<unk>", "<s>", "</s>", "▁hi"))
                .floats("tokenizer.ggml.scores", new float[] {0, 0, 0, -1.5f})
                .ints("tokenizer.ggml.token_type", new int[] {2, 3, 3, 1})
                .u32("tokenizer.ggml.bos_token_id", 1)
                .u32("tokenizer.ggml.eos_token_id", 2)
                .u32("tokenizer.ggml.unknown_token_id", 0)
                .u32("tokenizer.ggml.padding_token_id", 0xFFFFFFFFL)
                .u32("tokenizer.ggml.eot_token_id", 2)
                .tensor("token_embd.weight", 0, new long[] {2, 4}, f32(1, 2, 3, 4, 5, 6, 7, 8));
    }

    @Test
    void readsEveryMetadataTypeIncludingNestedArrays() throws IOException {
        Path p = new GgufTestWriter().u8("a.u8", 200).i16("a.i16", -5).u32("a.u32", 0xFFFFFFF0L).i32("a.i32", -7)
                .i64("a.i64", Long.MIN_VALUE).f32("a.f32", 1.5f).f64("a.f64", -2.25).bool("a.bool", true)
                .str("a.str", "héllo").nested("a.nested", new int[][] {{1, 2}, {}, {255}})
                .write(dir.resolve("m.gguf"));
        try (GgufFile f = GgufFile.open(p)) {
            Map<String, Object> m = f.metadata();
            assertThat(m).containsEntry("a.u8", 200).containsEntry("a.i16", -5).containsEntry("a.u32", 0xFFFFFFF0L)
                    .containsEntry("a.i32", -7).containsEntry("a.i64", Long.MIN_VALUE).containsEntry("a.f32", 1.5f)
                    .containsEntry("a.f64", -2.25).containsEntry("a.bool", true).containsEntry("a.str", "héllo");
            assertThat(m.get("a.nested")).isEqualTo(List.of(List.of(1, 2), List.of(), List.of(255)));
            assertThat(List.copyOf(m.keySet())).startsWith("a.u8", "a.i16");
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.alignment()).isEqualTo(32);
            assertThat(f.tensors()).isEmpty();
            assertThat(f.integer("a.u32")).contains(0xFFFFFFF0L);
            assertThatThrownBy(() -> f.string("a.u32")).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("'a.u32' should be a string");
        }
    }

    @Test
    void readsVersion2AndCustomAlignment() throws IOException {
        Path p = tinyModel().version(2).alignment(64).write(dir.resolve("v2.gguf"));
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.version()).isEqualTo(2);
            assertThat(f.alignment()).isEqualTo(64);
            assertThat(f.dataOffset() % 64).isZero();
            GgufTensor t = f.tensor("token_embd.weight").orElseThrow();
            assertThat(t.offset()).isEqualTo(f.dataOffset());
            assertThat(f.dequantize(t)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        }
    }

    @Test
    void exposesVocabularyAndTokenMatrix() throws IOException {
        Path p = tinyModel().write(dir.resolve("tiny.gguf"));
        try (GgufFile f = GgufFile.open(p)) {
            Vocabulary v = f.vocabulary();
            assertThat(v.tokens()).containsExactly("<unk>", "<s>", "</s>", "▁hi");
            assertThat(v.scores()).containsExactly(0, 0, 0, -1.5f);
            assertThat(v.types()).containsExactly(2, 3, 3, 1);
            assertThat(v.bos()).isEqualTo(1);
            assertThat(v.eos()).isEqualTo(2);
            assertThat(v.unk()).isZero();
            assertThat(v.pad()).isEqualTo(-1); // 0xFFFFFFFF is "none"
            assertThat(f.specialTokens()).containsEntry("eot", 2).containsEntry("bos", 1).doesNotContainKey("padding");
            TokenMatrix m = f.tokenEmbeddings();
            assertThat(m.rows()).isEqualTo(4);
            assertThat(m.dim()).isEqualTo(2);
            assertThat(m.storage()).isEqualTo(TokenMatrix.Storage.F32);
            assertThat(m.row(3)).containsExactly(7, 8);
            assertThat(m.vocabulary()).isEqualTo(v);
            assertThat(f.chatTemplate()).isEmpty();
            assertThat(f.architecture()).contains("llama");
        }
    }

    @Test
    void padsTheVocabularyWhenTheMatrixHasExtraRows() throws IOException {
        Path p = new GgufTestWriter().strings("tokenizer.ggml.tokens", List.of("a", "b"))
                .tensor("token_embd.weight", 0, new long[] {1, 3}, f32(1, 2, 3)).write(dir.resolve("pad.gguf"));
        try (GgufFile f = GgufFile.open(p)) {
            TokenMatrix m = f.tokenEmbeddings();
            assertThat(m.vocabulary().tokens()).containsExactly("a", "b", "<unused_2>");
            assertThat(m.vocabulary().type(2)).isEqualTo(Vocabulary.UNUSED);
        }
    }

    @Test
    void quantizedEmbeddingsAreWidenedToF32() throws Exception {
        float[] x = new float[64 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i);
        }
        byte[] q = GgmlReference.quantize(GgmlType.Q8_0, x);
        Path p = new GgufTestWriter().tensor("token_embd.weight", 8, new long[] {64, 3}, q).write(dir.resolve("q.gguf"));
        try (GgufFile f = GgufFile.open(p)) {
            TokenMatrix m = f.tokenEmbeddings();
            assertThat(m.storage()).isEqualTo(TokenMatrix.Storage.F32);
            assertThat(m.vocabulary()).isNull();
            assertThat(m.toFloats()).isEqualTo(GgmlReference.dequantize(GgmlType.Q8_0, q, x.length));
        }
    }

    @Test
    void readsTensorDataBeyondTwoGigabytes() throws IOException {
        // a sparse file: the tensor table points 3 GiB into the data section
        long far = 3L << 30;
        GgufTestWriter w = new GgufTestWriter().str("general.architecture", "test");
        byte[] head = w.tensor("big", 0, new long[] {4}, new byte[0]).bytes();
        // patch the offset of tensor "big": it is the last 8 bytes of the tensor table, before padding
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int tableEnd = indexOf(head, "big".getBytes()) + 3 + 4 + 8 + 4;
        b.putLong(tableEnd, far);
        Path p = dir.resolve("big.gguf");
        Files.write(p, head);
        long dataStart = (tableEnd + 8 + 31) / 32 * 32;
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(dataStart + far + 16);
            raf.seek(dataStart + far);
            raf.write(f32(1.25f, -2, 3, 4e9f));
        }
        try (GgufFile f = GgufFile.open(p)) {
            GgufTensor t = f.tensor("big").orElseThrow();
            assertThat(t.offset()).isEqualTo(dataStart + far).isGreaterThan(Integer.MAX_VALUE);
            assertThat(f.dequantize(t)).containsExactly(1.25f, -2, 3, 4e9f);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = hay.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---- bad files ----

    private void assertBad(byte[] bytes, String reason) throws IOException {
        Path p = Files.write(dir.resolve("bad-" + Math.abs(reason.hashCode()) + ".gguf"), bytes);
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(reason);
        assertThatThrownBy(() -> GgufFile.validate(p)).isInstanceOf(ModelFormatException.class);
    }

    @Test
    void rejectsFilesThatAreNotGguf() throws IOException {
        assertBad("GGML but not really a gguf file".getBytes(), "not a GGUF file");
        assertBad(new byte[] {'G', 'G'}, "not a GGUF file");
        Path empty = Files.write(dir.resolve("empty.gguf"), new byte[0]);
        assertThatThrownBy(() -> GgufFile.open(empty)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> GgufFile.open(dir.resolve("missing.gguf"))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void rejectsUnsupportedVersions() throws IOException {
        assertBad(tinyModel().version(1).bytes(), "version 1 is not supported");
        assertBad(tinyModel().version(7).bytes(), "unsupported GGUF version 7");
        byte[] big = tinyModel().bytes();
        ByteBuffer.wrap(big).order(ByteOrder.BIG_ENDIAN).putInt(4, 3);
        assertBad(big, "big-endian");
    }

    @Test
    void rejectsTruncatedFilesAtEveryLength() throws IOException {
        byte[] full = tinyModel().bytes();
        for (int len = 1; len < full.length; len += 7) {
            Path p = Files.write(dir.resolve("t.gguf"), Arrays.copyOf(full, len));
            assertThatThrownBy(() -> GgufFile.open(p)).as("truncated to %d", len)
                    .isInstanceOf(ModelFormatException.class).hasMessageMatching("(?s).*(beyond the end|absurd|not a GGUF).*");
        }
    }

    @Test
    void rejectsAbsurdCountsAndLengths() throws IOException {
        byte[] b = tinyModel().bytes();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(16, Long.MAX_VALUE);
        assertBad(b, "absurd metadata count");
        b = tinyModel().bytes();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(8, 1L << 40);
        assertBad(b, "absurd tensor count");
        b = tinyModel().bytes();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(24, -2); // first key length
        assertBad(b, "absurd length");
        // an array claiming 2^62 strings
        byte[] arr = new GgufTestWriter().raw("x", 9, concat(le4(8), le8(1L << 62))).bytes();
        assertBad(arr, "absurd element count");
        byte[] unknownType = new GgufTestWriter().raw("x", 77, new byte[8]).bytes();
        assertBad(unknownType, "unknown value type 77");
        byte[] badBool = new GgufTestWriter().raw("x", 7, new byte[] {5}).bytes();
        assertBad(badBool, "boolean 'x' has value 5");
        byte[] dup = new GgufTestWriter().u32("k", 1).u32("k", 2).bytes();
        assertBad(dup, "duplicate metadata key 'k'");
    }

    @Test
    void rejectsBadTensorTables() throws IOException {
        assertBad(new GgufTestWriter().tensor("t", 99, new long[] {4}, new byte[16]).bytes(),
                "unknown ggml tensor type id 99");
        assertBad(new GgufTestWriter().tensor("t", 8, new long[] {31}, new byte[34]).bytes(),
                "not a multiple of the Q8_0 block size 32");
        assertBad(new GgufTestWriter().tensor("t", 0, new long[] {1, 1, 1, 1, 1}, new byte[4]).bytes(),
                "5 dimensions");
        assertBad(new GgufTestWriter().tensor("t", 0, new long[] {1L << 40, 1L << 40}, new byte[4]).bytes(),
                "absurd shape");
        assertBad(new GgufTestWriter().tensor("t", 0, new long[] {4}, new byte[16])
                .tensor("t", 0, new long[] {4}, new byte[16]).bytes(), "duplicate tensor name 't'");
        assertBad(new GgufTestWriter().alignment(3).bytes(), "not a power of two");
        // data declared beyond the end: 1000 floats but only 16 bytes present
        byte[] b = new GgufTestWriter().tensor("t", 0, new long[] {1000}, new byte[16]).bytes();
        assertBad(b, "beyond the end of the file");
        // misaligned offset
        byte[] m = new GgufTestWriter().tensor("t", 0, new long[] {4}, new byte[16]).bytes();
        int at = indexOf(m, "t".getBytes()) + 1 + 4 + 8 + 4;
        ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putLong(at, 4);
        assertBad(m, "not a multiple of the alignment");
    }

    @Test
    void unsupportedEmbeddingTypeIsNamed() throws IOException {
        Path p = new GgufTestWriter().tensor("token_embd.weight", 10, new long[] {256, 1}, new byte[84])
                .write(dir.resolve("q2k.gguf"));
        try (GgufFile f = GgufFile.open(p)) {
            assertThatThrownBy(f::tokenEmbeddings).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("unsupported tensor type Q2_K");
            assertThatThrownBy(f::vocabulary).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("no vocabulary");
        }
    }

    private static byte[] le4(int v) {
        return GgufTestWriter.le(4).putInt(v).array();
    }

    private static byte[] le8(long v) {
        return GgufTestWriter.le(8).putLong(v).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    // ---- real files ----

    @Test
    void readsStories260K() {
        try (GgufFile f = GgufFile.open(TestData.model("stories260K.gguf"))) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.architecture()).contains("llama");
            assertThat(f.tensors()).hasSize(48);
            TokenMatrix m = f.tokenEmbeddings();
            assertThat(m.rows()).isEqualTo(512);
            assertThat(m.dim()).isEqualTo(64);
            assertThat(m.storage()).isEqualTo(TokenMatrix.Storage.F32);
            Vocabulary v = m.vocabulary();
            assertThat(v.bos()).isEqualTo(1);
            assertThat(v.eos()).isEqualTo(2);
            assertThat(v.unk()).isZero();
            assertThat(v.token(403)).isEqualTo("▁Once");
            assertThat(f.chatTemplate()).isEmpty();
        }
    }

    @Test
    void vocabularyMatchesTheReferenceDump() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(TestData.model("stories260K.vocab.json").toFile());
        try (GgufFile f = GgufFile.open(TestData.model("stories260K.gguf"))) {
            Vocabulary v = f.vocabulary();
            JsonNode tokens = ref.get("tokens");
            assertThat(v.size()).isEqualTo(tokens.size());
            for (int i = 0; i < v.size(); i++) {
                assertThat(v.token(i)).isEqualTo(tokens.get(i).asText());
            }
            assertThat(v.bos()).isEqualTo(ref.get("bos_token_id").asInt());
            assertThat(v.eos()).isEqualTo(ref.get("eos_token_id").asInt());
        }
    }

    @Test
    void tensorTableMatchesTheReferenceDump() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(TestData.model("stories260K-q8_0.json").toFile());
        try (GgufFile f = GgufFile.open(TestData.model("stories260K-q8_0.gguf"))) {
            assertThat(f.dataOffset()).isEqualTo(ref.get("data_section_offset").asLong());
            assertThat(f.alignment()).isEqualTo(ref.get("alignment").asInt());
            assertThat(f.tensors()).hasSize(ref.get("tensors").size());
            for (JsonNode t : ref.get("tensors")) {
                GgufTensor ours = f.tensor(t.get("name").asText()).orElseThrow();
                assertThat(ours.type().name()).isEqualTo(t.get("type").asText());
                assertThat(ours.byteSize()).isEqualTo(t.get("n_bytes").asLong());
                assertThat(ours.offset()).isEqualTo(t.get("abs_offset").asLong());
                long[] ne = new long[t.get("ne").size()];
                for (int i = 0; i < ne.length; i++) {
                    ne[i] = t.get("ne").get(i).asLong();
                }
                assertThat(ours.shape()).isEqualTo(ne);
            }
        }
    }

    @Test
    void readsLlama2TinyRandomF16() {
        try (GgufFile f = GgufFile.open(TestData.model("llama-2-tiny-random.gguf"))) {
            TokenMatrix m = f.tokenEmbeddings();
            assertThat(m.rows()).isEqualTo(32000);
            assertThat(m.dim()).isEqualTo(8);
            assertThat(m.storage()).isEqualTo(TokenMatrix.Storage.F16);
            assertThat(m.vocabulary().size()).isEqualTo(32000);
            assertThat(m.vocabulary().token(9038)).isEqualTo("▁Once");
            float[] widened = f.dequantize(f.tensor("token_embd.weight").orElseThrow());
            assertThat(m.toFloats()).isEqualTo(widened);
        }
    }
}
