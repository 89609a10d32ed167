package dev.s2s.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.api.ModelFormatException;
import dev.s2s.testkit.TestData;

class NpyTest {

    @TempDir
    Path tmp;

    @Test
    void readsGoldenArrays() {
        NpyArray mel = Npy.read(TestData.fixture("whisper/jfk.mel.npy"));
        assertThat(mel.shape()).containsExactly(80, 4100);
        // padding frames sit at the floor value (M - 8 + 4) / 4 = -0.53874 for jfk
        assertThat(mel.get(0, 4099)).isCloseTo(-0.53874f, org.assertj.core.data.Offset.offset(1e-4f));
        NpyArray hann = Npy.read(TestData.fixture("whisper/frontend-hann400.npy"));
        assertThat(hann.shape()).containsExactly(400);
        assertThat(hann.get(0)).isEqualTo(0f);
        assertThat(hann.get(200)).isEqualTo(1f);
    }

    @Test
    void writesWhatItReads() throws IOException {
        NpyArray a = new NpyArray(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f});
        Path p = tmp.resolve("a.npy");
        Npy.write(p, a);
        assertThat(Files.size(p) % 64).isEqualTo(24); // 64-byte header + 24 data bytes
        assertThat(Npy.read(p)).isEqualTo(a);
        NpyArray v = new NpyArray(new int[] {4}, new float[] {1, 2, 3, 4});
        Npy.write(p, v);
        assertThat(Npy.read(p)).isEqualTo(v);
    }

    @Test
    void refusesBadFiles() throws IOException {
        byte[] ok = Files.readAllBytes(TestData.fixture("whisper/frontend-hann400.npy"));
        Path trunc = tmp.resolve("t.npy");
        Files.write(trunc, Arrays.copyOf(ok, ok.length - 4));
        assertThatThrownBy(() -> Npy.read(trunc)).isInstanceOf(ModelFormatException.class).hasMessageContaining("1596");
        Path f8 = tmp.resolve("f8.npy");
        Files.write(f8, new String(ok, StandardCharsets.ISO_8859_1).replace("<f4", "<f8").getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Npy.read(f8)).isInstanceOf(ModelFormatException.class).hasMessageContaining("<f8");
        Path fortran = tmp.resolve("fo.npy");
        Files.write(fortran, new String(ok, StandardCharsets.ISO_8859_1).replace("False", "True ").getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Npy.read(fortran)).isInstanceOf(ModelFormatException.class).hasMessageContaining("Fortran");
        Path notNpy = tmp.resolve("x.npy");
        Files.write(notNpy, "hello world, not numpy".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> Npy.read(notNpy)).isInstanceOf(ModelFormatException.class).hasMessageContaining("magic");
    }
}
