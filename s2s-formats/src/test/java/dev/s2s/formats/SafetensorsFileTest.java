package dev.s2s.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.api.ModelFormatException;

class SafetensorsFileTest {

    @TempDir
    Path dir;

    /** A file laid out by hand exactly as safetensors.torch.save_file does (independent of our writer). */
    private Path handMade(String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
        out.write(json);
        out.write(data);
        Path p = dir.resolve("t" + System.nanoTime() + ".safetensors");
        Files.write(p, out.toByteArray());
        return p;
    }

    private static byte[] le(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    @Test
    void readsHandMadeTorchStyleFile() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(6 * 4 + 3 * 2 + 2 * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : new float[] {1, 2, 3, 4, 5, 6}) {
            data.putFloat(x);
        }
        data.putShort(Float.floatToFloat16(0.5f)).putShort(Float.floatToFloat16(-2f)).putShort((short) 0x7C00);
        data.putShort((short) 0x3F80).putShort((short) 0xC040); // bf16 1.0, -3.0
        Path p = handMade("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[24,30]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[30,34]}}   ", data.array());
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertThat(f.metadata()).containsEntry("format", "pt");
            assertThat(f.tensors().keySet()).containsExactly("w", "h", "b");
            assertThat(f.tensor("w").shape()).containsExactly(2, 3);
            assertThat(f.tensor("w").elements()).isEqualTo(6);
            assertThat(f.floats("w", 2, 3)).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(f.floats("h")).containsExactly(0.5f, -2f, Float.POSITIVE_INFINITY);
            assertThat(f.floats("b")).containsExactly(1f, -3f);
            assertThat(f.data("h").byteSize()).isEqualTo(6);
            assertThatThrownBy(() -> f.floats("w", 3, 2)).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("'w' has shape [2, 3], expected [3, 2]");
            assertThatThrownBy(() -> f.tensor("nope")).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("no tensor named 'nope'");
        }
    }

    @Test
    void writerRoundTripsAllFloatTypes() throws IOException {
        float[] v = {0f, 1f, -1.5f, 3.14159f, 65504f, 1e-3f};
        Path p = dir.resolve("rt.safetensors");
        new SafetensorsWriter().metadata("by", "test").add("a", v, 2, 3).add("h", SafetensorsDtype.F16, v, 6)
                .add("b", SafetensorsDtype.BF16, v, 3, 2).add("s", new float[] {7f}).write(p);
        assertThat(Files.readAllBytes(p)[8]).isEqualTo((byte) '{');
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).isZero();
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertThat(f.floats("a")).containsExactly(v);
            float[] h = f.floats("h");
            float[] b = f.floats("b");
            for (int i = 0; i < v.length; i++) {
                assertThat(h[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(v[i])));
                assertThat(Math.abs(b[i] - v[i])).isLessThanOrEqualTo(Math.abs(v[i]) / 256);
            }
            assertThat(f.tensor("s").rank()).isZero();
            assertThat(f.floats("s")).containsExactly(7f);
            assertThat(f.metadata()).containsEntry("by", "test");
        }
    }

    @Test
    void rejectsMalformedFilesWithClearMessages() throws IOException {
        String ok = "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        byte[] data = le(1, 2);
        assertBad(handMade("{\"w\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", data), "unknown dtype 'Q4'");
        assertBad(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", data), "needs 12");
        assertBad(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", data), "beyond the end");
        assertBad(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", data), "bad dimension");
        assertBad(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", data), "bad data_offsets");
        assertBad(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", data), "data_offsets");
        assertBad(handMade("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", data), "no dtype");
        assertBad(handMade("{\"w\":[1,2]}", data), "not a JSON object");
        assertBad(handMade("{" + ok + ",\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", data),
                "overlap");
        assertBad(handMade("{" + ok + ",", data), "invalid safetensors JSON");
        assertBad(handMade("[1]", data), "does not start with '{'");
        assertBad(handMade("{\"__metadata__\":{\"a\":1}," + ok + "}", data), "not a string");
        assertBad(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],"
                + "\"data_offsets\":[0,8]}}", data), "absurd shape");
        Path shortFile = dir.resolve("short.safetensors");
        Files.write(shortFile, new byte[] {1, 2, 3});
        assertBad(shortFile, "too short");
        Path hugeHeader = dir.resolve("huge.safetensors");
        Files.write(hugeHeader, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).array());
        assertBad(hugeHeader, "bad safetensors header length 18446744073709551615");
        assertBad(dir.resolve("missing.safetensors"), "not found");
        Path ints = handMade("{\"i\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", data);
        try (SafetensorsFile f = SafetensorsFile.open(ints)) {
            assertThat(f.tensor("i").dtype()).isEqualTo(SafetensorsDtype.I32);
            assertThatThrownBy(() -> f.floats("i")).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("only F32, F16 and BF16");
        }
    }

    private static void assertBad(Path p, String message) {
        assertThatThrownBy(() -> SafetensorsFile.open(p).close()).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(message);
    }
}
