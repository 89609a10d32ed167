package dev.s2s.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.api.ModelFormatException;
import dev.s2s.testkit.TestData;

class GgmlModelTest {

    @TempDir
    Path tmp;

    @Test
    void readsTheRandomMicroModel() {
        Path p = TestData.fixture("whisper/whisper-micro-random-f16.bin");
        try (GgmlModel m = GgmlModel.open(p)) {
            assertThat(m.hparams()).isEqualTo(new GgmlHParams(51864, 1500, 64, 2, 2, 448, 64, 2, 2, 80, 1));
            assertThat(m.hparams().multilingual()).isFalse();
            assertThat(m.vocabSize()).isEqualTo(50257);
            assertThat(new String(m.token(0), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("!");
            assertThat(m.tensors()).hasSize(89);
            GgmlTensor conv1 = m.require("encoder.conv1.weight");
            assertThat(conv1.type()).isEqualTo(GgmlType.F16);
            assertThat(conv1.ne()).containsExactly(3, 80, 64);
            assertThat(conv1.torchShape()).containsExactly(64, 80, 3);
            assertThat(conv1.dataOffset()).isEqualTo(970928);
            GgmlTensor pos = m.require("encoder.positional_embedding");
            assertThat(pos.type()).isEqualTo(GgmlType.F32);
            assertThat(pos.dataOffset()).isEqualTo(586884);
            assertThat(m.require("decoder.ln.bias").dataOffset()).isEqualTo(8258620);
            assertThat(m.require("encoder.conv1.bias").ne()).containsExactly(1, 64);
            // the positional embedding is the sinusoid table: row 0 is sin(0)=0 then cos(0)=1
            float[] pe = m.floats("encoder.positional_embedding", 64, 1500);
            assertThat(pe[0]).isEqualTo(0f);
            assertThat(pe[32]).isEqualTo(1f);
            assertThat(pe[64 + 0]).isCloseTo((float) Math.sin(1), org.assertj.core.data.Offset.offset(1e-6f));
            float[] filters = m.melFilters();
            NpyArray golden = Npy.read(TestData.fixture("whisper/mel-filters-80x201.npy"));
            assertThat(golden.shape()).containsExactly(80, 201);
            assertThat(filters).containsExactly(golden.data());
            assertThatThrownBy(() -> m.floats("encoder.conv1.weight", 3, 80, 63))
                    .isInstanceOf(ModelFormatException.class).hasMessageContaining("expected");
            assertThatThrownBy(() -> m.require("nope")).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("missing tensor 'nope'");
        }
    }

    @Test
    void readsWeightlessTestModels() {
        try (GgmlModel en = GgmlModel.open(TestData.model("for-tests-ggml-tiny.en.bin"));
                GgmlModel multi = GgmlModel.open(TestData.model("for-tests-ggml-tiny.bin"))) {
            assertThat(en.isWeightless()).isTrue();
            assertThat(en.hparams().nAudioState()).isEqualTo(384);
            assertThat(en.hparams().nAudioHead()).isEqualTo(6);
            assertThat(en.hparams().multilingual()).isFalse();
            assertThat(multi.hparams().multilingual()).isTrue();
            assertThat(multi.vocabSize()).isGreaterThan(50000);
        }
    }

    @Test
    void refusesSileroVadFiles() {
        for (String f : List.of("for-tests-silero-v5.1.2-ggml.bin", "for-tests-silero-v6.2.0-ggml.bin")) {
            assertThatThrownBy(() -> GgmlModel.open(TestData.model(f))).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("Silero VAD");
        }
    }

    @Test
    void refusesGgufFiles() {
        assertThatThrownBy(() -> GgmlModel.open(TestData.model("stories260K.gguf")))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("GGUF");
    }

    @Test
    void refusesWrongMagicAndEmptyAndShortFiles() throws IOException {
        Path bad = tmp.resolve("bad.bin");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThatThrownBy(() -> GgmlModel.open(bad)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("wrong magic");
        Path empty = tmp.resolve("empty.bin");
        Files.write(empty, new byte[0]);
        assertThatThrownBy(() -> GgmlModel.open(empty)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("empty");
        Path shortHeader = tmp.resolve("short.bin");
        Files.write(shortHeader, new byte[] {0x6c, 0x6d, 0x67, 0x67, 1, 0, 0, 0});
        assertThatThrownBy(() -> GgmlModel.open(shortHeader)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> GgmlModel.open(tmp.resolve("missing.bin"))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void refusesTruncatedFilesAtEveryStage() throws IOException {
        byte[] all = Files.readAllBytes(TestData.fixture("whisper/whisper-micro-random-f16.bin"));
        // inside the filter bank, inside the vocabulary, inside a tensor header, inside tensor data
        for (int cut : new int[] {30_000, 300_000, 586_840, 5_000_000, all.length - 1}) {
            Path p = tmp.resolve("cut" + cut + ".bin");
            Files.write(p, Arrays.copyOf(all, cut));
            assertThatThrownBy(() -> GgmlModel.open(p)).as("cut at %d", cut).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("cut" + cut + ".bin");
        }
    }

    @Test
    void refusesAbsurdHeaderValues() throws IOException {
        byte[] all = Files.readAllBytes(TestData.model("for-tests-ggml-tiny.en.bin"));
        // n_audio_layer = 1,000,000
        assertThatThrownBy(() -> GgmlModel.open(patch(all, 20, 1_000_000))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("n_audio_layer");
        // heads that do not divide the width
        assertThatThrownBy(() -> GgmlModel.open(patch(all, 16, 7))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("multiple of n_audio_head");
        // unknown ftype
        assertThatThrownBy(() -> GgmlModel.open(patch(all, 44, 4))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("ftype");
        // mel band count disagreeing with the header
        assertThatThrownBy(() -> GgmlModel.open(patch(all, 40, 128))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("128");
        // vocabulary count beyond the file
        assertThatThrownBy(() -> GgmlModel.open(patch(all, 48 + 8 + 4 * 80 * 201, 51864)))
                .isInstanceOf(ModelFormatException.class);
    }

    @Test
    void writerRoundTripsAndBadTensorRecordsAreRefused() throws IOException {
        GgmlHParams hp = new GgmlHParams(8, 4, 4, 2, 1, 4, 4, 2, 1, 2, 1);
        float[] filters = new float[2 * 201];
        filters[5] = 0.25f;
        Path p = tmp.resolve("w.bin");
        float[] w = {0.1f, -2f, 3.5f, 1e-3f, 7f, 8f};
        float[] b = {1.25f, -0.5f};
        try (GgmlWriter out = GgmlWriter.create(p, hp, filters, List.of("a".getBytes(), "bc".getBytes()))) {
            out.tensor("w", GgmlType.F16, w, 3, 2);
            out.tensor("b", GgmlType.F32, b, 2);
        }
        try (GgmlModel m = GgmlModel.open(p)) {
            assertThat(m.hparams()).isEqualTo(hp);
            assertThat(m.melFilters()).containsExactly(filters);
            assertThat(m.vocabSize()).isEqualTo(2);
            assertThat(m.token(1)).containsExactly('b', 'c');
            assertThat(m.tensorNames()).containsExactly("w", "b");
            float[] got = m.floats("w", 3, 2);
            for (int i = 0; i < w.length; i++) {
                assertThat(got[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(w[i])));
            }
            assertThat(m.floats("b", 2)).containsExactly(b);
        }
        byte[] all = Files.readAllBytes(p);
        long tensorStart = 48 + 8 + 4 * 2 * 201 + 4 + 5 + 6;
        assertThatThrownBy(() -> GgmlModel.open(patch(all, (int) tensorStart, 9)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("n_dims");
        assertThatThrownBy(() -> GgmlModel.open(patch(all, (int) tensorStart + 8, 99)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("unknown ggml type");
        assertThatThrownBy(() -> GgmlModel.open(patch(all, (int) tensorStart + 12, 1 << 30)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("past the end");
        assertThatThrownBy(() -> GgmlModel.open(patch(all, (int) tensorStart + 4, -1)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("name length");
    }

    private Path patch(byte[] src, int offset, int value) throws IOException {
        byte[] copy = src.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        Path p = Files.createTempFile(tmp, "patched", ".bin");
        Files.write(p, copy);
        return p;
    }
}
