package dev.s2s.whisper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.s2s.api.AudioClip;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.formats.Npy;
import dev.s2s.formats.NpyArray;
import dev.s2s.testkit.TestData;
import dev.s2s.whisper.internal.LogMel;

/** The golden check against whisper.cpp v1.7.1's own log-mel and encoder output. */
class WhisperEncoderGoldenTest {

    private static final Logger LOG = LoggerFactory.getLogger(WhisperEncoderGoldenTest.class);

    private static Path model() {
        return TestData.fixture("whisper/whisper-micro-random-f16.bin");
    }

    @Test
    void tablesMatchWhisperCpp() {
        assertThat(LogMel.sinTable()).containsExactly(Npy.read(TestData.fixture("whisper/frontend-fft-sin400.npy")).data());
        assertThat(LogMel.cosTable()).containsExactly(Npy.read(TestData.fixture("whisper/frontend-fft-cos400.npy")).data());
        assertThat(LogMel.hannTable()).containsExactly(Npy.read(TestData.fixture("whisper/frontend-hann400.npy")).data());
    }

    @Test
    void logMelIsBitExact() {
        for (String clip : new String[] {"jfk", "hello-world-2s-16k"}) {
            AudioClip audio = Wav.read(TestData.model(clip + ".wav"));
            NpyArray golden = Npy.read(TestData.fixture("whisper/" + clip + ".mel.npy"));
            try (WhisperMelEncoder mel = WhisperMelEncoder.open(model(), false, true)) {
                float[] got = mel.logMel(audio.samples());
                float[] want = golden.data();
                assertThat(got.length).isEqualTo(want.length);
                double max = 0;
                int differ = 0;
                for (int i = 0; i < got.length; i++) {
                    double d = Math.abs(got[i] - want[i]);
                    max = Math.max(max, d);
                    if (d != 0) {
                        differ++;
                    }
                }
                LOG.info("log-mel {}: {} of {} values differ, max |diff| = {}", clip, differ, got.length, max);
                assertThat(max).as("max |diff| of the log-mel of %s", clip).isLessThanOrEqualTo(1e-5);
                // the same values through the AudioEncoder view (frame-major)
                EmbeddingSequence seq = mel.encode(audio);
                int nLen = golden.dim(1);
                assertThat(seq.frames()).isEqualTo(nLen);
                assertThat(seq.dim()).isEqualTo(80);
                assertThat(seq.get(17, 5)).isEqualTo(got[5 * nLen + 17]);
            }
        }
    }

    @Test
    void encoderMatchesTheAvx2Golden() {
        for (String clip : new String[] {"jfk", "hello-world-2s-16k"}) {
            AudioClip audio = Wav.read(TestData.model(clip + ".wav"));
            NpyArray golden = Npy.read(TestData.fixture("whisper/whisper-micro-random-f16." + clip + ".embd_enc.avx2.npy"));
            assertThat(golden.shape()).containsExactly(1500, 64);
            try (WhisperEncoder enc = WhisperEncoder.open(model(), 2, true)) {
                EmbeddingSequence seq = enc.encode(audio);
                assertThat(seq.frames()).isEqualTo(1500);
                assertThat(seq.dim()).isEqualTo(64);
                float[] got = seq.data();
                float[] want = golden.data();
                double max = 0;
                double sum = 0;
                double l2d = 0;
                double l2 = 0;
                for (int i = 0; i < got.length; i++) {
                    double d = got[i] - want[i];
                    max = Math.max(max, Math.abs(d));
                    sum += Math.abs(d);
                    l2d += d * d;
                    l2 += (double) want[i] * want[i];
                }
                double mean = sum / got.length;
                double rel = Math.sqrt(l2d / l2);
                LOG.info("encoder {}: max |diff| = {}, mean |diff| = {}, rel L2 = {}", clip, max, mean, rel);
                assertThat(max).as("max |diff| for %s", clip).isLessThanOrEqualTo(5e-3);
                assertThat(mean).as("mean |diff| for %s", clip).isLessThanOrEqualTo(5e-4);
                assertThat(rel).as("relative L2 for %s", clip).isLessThanOrEqualTo(1e-3);
            }
        }
    }
}
