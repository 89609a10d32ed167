package dev.s2s.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.s2s.api.AudioClip;
import dev.s2s.api.AudioEncoder;
import dev.s2s.api.AudioFormatException;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.ModelFormatException;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.testkit.TestData;

class WhisperEncoderProviderTest {

    private static ProviderConfig micro(Map<String, ?> extra) {
        ProviderConfig c = ProviderConfig.of(Map.of("model", TestData.fixture("whisper/whisper-micro-random-f16.bin").toString()));
        for (var e : extra.entrySet()) {
            c = c.with(e.getKey(), e.getValue());
        }
        return c;
    }

    @Test
    void encoderTrimsToTheAudioAndHandlesLongAudioInWindows() {
        AudioClip hello = Wav.read(TestData.model("hello-world-2s-16k.wav"));
        try (AudioEncoder enc = S2s.audioEncoder("whisper-encoder", micro(Map.of("threads", 2)))) {
            assertThat(enc.dim()).isEqualTo(64);
            assertThat(enc.framesPerSecond()).isEqualTo(50.0);
            EmbeddingSequence s = enc.encode(hello);
            assertThat(s.frames()).isEqualTo(100);
            assertThat(s.framesPerSecond()).isEqualTo(50.0);
            // 31 s: two windows, 1550 positions, all finite, and the second window is not a copy of the first
            AudioClip jfk = Wav.read(TestData.model("jfk.wav"));
            AudioClip longClip = jfk.append(jfk).append(jfk.slice(0, 144_000));
            assertThat(longClip.frames()).isEqualTo(496_000);
            EmbeddingSequence l = enc.encode(longClip);
            assertThat(l.frames()).isEqualTo(1550);
            for (float v : l.data()) {
                assertThat(Float.isFinite(v)).isTrue();
            }
            assertThat(l.row(1500)).isNotEqualTo(l.row(0));
            assertThatThrownBy(() -> enc.encode(AudioClip.mono(new float[0], 16000))).isInstanceOf(AudioFormatException.class);
        }
        try (AudioEncoder keep = S2s.audioEncoder("whisper-encoder", micro(Map.of("threads", 1, "keepPadding", true)))) {
            assertThat(keep.encode(hello).frames()).isEqualTo(1500);
        }
    }

    @Test
    void melFrontEndRatesAndPairAveraging() {
        AudioClip hello = Wav.read(TestData.model("hello-world-2s-16k.wav"));
        try (AudioEncoder mel = S2s.audioEncoder("whisper-mel", micro(Map.of()));
                AudioEncoder pairs = S2s.audioEncoder("whisper-mel", micro(Map.of("pairAverage", true)))) {
            EmbeddingSequence m = mel.encode(hello);
            assertThat(m.dim()).isEqualTo(80);
            assertThat(m.frames()).isEqualTo(200);
            assertThat(m.framesPerSecond()).isEqualTo(100.0);
            EmbeddingSequence p = pairs.encode(hello);
            assertThat(p.frames()).isEqualTo(100);
            assertThat(p.framesPerSecond()).isEqualTo(50.0);
            assertThat(p.get(3, 7)).isEqualTo(0.5f * (m.get(6, 7) + m.get(7, 7)));
            // stereo input is averaged to mono first: two identical channels give the mono result
            float[] mono = hello.samples();
            float[] stereo = new float[2 * mono.length];
            for (int i = 0; i < mono.length; i++) {
                stereo[2 * i] = mono[i];
                stereo[2 * i + 1] = mono[i];
            }
            assertThat(mel.encode(new AudioClip(stereo, 16000, 2))).isEqualTo(m);
        }
        // a weightless model has the filter bank, so the front end works; the encoder needs weights
        ProviderConfig weightless = ProviderConfig.of(Map.of("model", TestData.model("for-tests-ggml-tiny.en.bin").toString()));
        try (AudioEncoder mel = S2s.audioEncoder("whisper-mel", weightless)) {
            assertThat(mel.encode(hello).frames()).isEqualTo(200);
        }
        assertThatThrownBy(() -> S2s.audioEncoder("whisper-encoder", weightless)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("weightless");
    }
}
