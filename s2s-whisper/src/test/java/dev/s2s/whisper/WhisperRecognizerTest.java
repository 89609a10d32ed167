package dev.s2s.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.api.AudioClip;
import dev.s2s.api.AudioFormatException;
import dev.s2s.api.ModelFormatException;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.RecognitionOptions;
import dev.s2s.api.S2s;
import dev.s2s.api.SpeechRecognizer;
import dev.s2s.api.Transcript;
import dev.s2s.testkit.TestData;

/** The whisper-jni recognizer. Native calls run with 1 thread; each full() takes about 1 s here. */
class WhisperRecognizerTest {

    private static final RecognitionOptions ONE_THREAD = RecognitionOptions.builder().threads(1).build();

    @TempDir
    Path tmp;

    private static AudioClip jfk() {
        return Wav.read(TestData.model("jfk.wav"));
    }

    @Test
    void weightlessEnglishModelLoadsAndTranscribesToNothing() {
        ProviderConfig cfg = ProviderConfig.of(Map.of("model", TestData.model("for-tests-ggml-tiny.en.bin").toString(),
                "threads", 1));
        try (SpeechRecognizer r = S2s.recognizer("whisper", cfg)) {
            Transcript t = r.transcribe(jfk(), ONE_THREAD);
            assertThat(t.segments()).isEmpty();
            assertThat(t.isEmpty()).isTrue();
            assertThat(t.language()).isEqualTo("en");
        }
    }

    @Test
    void weightlessMultilingualModelDetectsALanguageThroughJna() {
        try (WhisperRecognizer r = WhisperRecognizer.open(TestData.model("for-tests-ggml-tiny.bin"),
                new WhisperRecognizer.Settings(1, null, 0, 1, true))) {
            assertThat(r.multilingual()).isTrue();
            Transcript t = r.transcribe(jfk(), ONE_THREAD);
            assertThat(t.segments()).isEmpty();
            // weightless, so the detected language is arbitrary, but it is a real whisper.cpp language code
            assertThat(t.language()).matches("[a-z]{2,3}|haw|yue");
        }
    }

    @Test
    void randomModelIsDeterministicAcrossRepeatedAndConcurrentCalls() throws Exception {
        Path model = TestData.fixture("whisper/whisper-micro-random-f16.bin");
        AudioClip audio = Wav.read(TestData.model("hello-world-2s-16k.wav"));
        try (WhisperRecognizer r = WhisperRecognizer.open(model, new WhisperRecognizer.Settings(1, null, 2, 1, true))) {
            Transcript first = r.transcribe(audio, ONE_THREAD);
            assertThat(first.text()).isNotBlank();
            assertThat(first.segments()).isNotEmpty();
            assertThat(first.language()).isEqualTo("en");
            for (var s : first.segments()) {
                assertThat(s.start().isNegative()).isFalse();
                assertThat(s.end()).isGreaterThanOrEqualTo(s.start());
                assertThat(s.end().toMillis()).isLessThanOrEqualTo(2000);
                assertThat(s.probability()).isNaN();
            }
            for (int i = 0; i < 4; i++) {
                assertThat(r.transcribe(audio, ONE_THREAD).text()).as("repeat %d", i + 2).isEqualTo(first.text());
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Transcript>> fs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    fs.add(pool.submit(() -> r.transcribe(audio, ONE_THREAD)));
                }
                for (Future<Transcript> f : fs) {
                    assertThat(f.get().text()).isEqualTo(first.text());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void shortAudioIsPaddedAndEmptyAudioRefused() {
        try (WhisperRecognizer r = WhisperRecognizer.open(TestData.model("for-tests-ggml-tiny.en.bin"),
                new WhisperRecognizer.Settings(1, "en", 0, 1, false))) {
            // 100 samples: whisper.cpp alone would read past the buffer; padded to 1.05 s it runs
            Transcript t = r.transcribe(AudioClip.mono(new float[100], 16000), ONE_THREAD);
            assertThat(t.segments()).isEmpty();
            assertThatThrownBy(() -> r.transcribe(AudioClip.mono(new float[0], 16000), ONE_THREAD))
                    .isInstanceOf(AudioFormatException.class).hasMessageContaining("empty");
        }
    }

    @Test
    void badModelFilesAreRefusedBeforeNativeCode() throws IOException {
        WhisperRecognizer.Settings s = new WhisperRecognizer.Settings(1, null, 0, 1, false);
        for (String vad : List.of("for-tests-silero-v5.1.2-ggml.bin", "for-tests-silero-v6.2.0-ggml.bin")) {
            assertThatThrownBy(() -> WhisperRecognizer.open(TestData.model(vad), s))
                    .isInstanceOf(ModelFormatException.class).hasMessageContaining("Silero VAD");
        }
        byte[] micro = Files.readAllBytes(TestData.fixture("whisper/whisper-micro-random-f16.bin"));
        Path truncated = tmp.resolve("truncated.bin");
        Files.write(truncated, Arrays.copyOf(micro, micro.length - 1000));
        assertThatThrownBy(() -> WhisperRecognizer.open(truncated, s)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("truncated");
        Path wrongMagic = tmp.resolve("magic.bin");
        byte[] m = micro.clone();
        m[0] = 'X';
        Files.write(wrongMagic, m);
        assertThatThrownBy(() -> WhisperRecognizer.open(wrongMagic, s)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("magic");
        Path f32 = tmp.resolve("ftype0.bin");
        byte[] f = micro.clone();
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(44, 0);
        Files.write(f32, f);
        assertThatThrownBy(() -> WhisperRecognizer.open(f32, s)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("ftype 0");
        // the Java encoder still reads it
        try (WhisperEncoder enc = WhisperEncoder.open(f32, 1, false)) {
            assertThat(enc.dim()).isEqualTo(64);
        }
        assertThatThrownBy(() -> WhisperRecognizer.open(TestData.model("stories260K.gguf"), s))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("GGUF");
        assertThatThrownBy(() -> S2s.recognizer("whisper", ProviderConfig.of(Map.of("model", "/nonexistent.bin"))))
                .hasMessageContaining("does not exist");
    }

    @Test
    void realModelTranscribesJfk() {
        Path model = TestData.fromEnv("S2S_WHISPER_MODEL");
        try (SpeechRecognizer r = S2s.recognizer("whisper", ProviderConfig.of(Map.of("model", model.toString())))) {
            Transcript t = r.transcribe(jfk(), RecognitionOptions.builder().language("en").threads(1).build());
            String ref = "and so my fellow americans ask not what your country can do for you ask what you can do for your country";
            assertThat(wer(ref, t.text())).as("WER of '%s'", t.text()).isLessThanOrEqualTo(0.10);
            assertThat(t.segments()).isNotEmpty();
        }
    }

    /** Word error rate: word-level edit distance over the reference length (lower case, no punctuation). */
    static double wer(String reference, String hypothesis) {
        String[] r = words(reference);
        String[] h = words(hypothesis);
        int[][] d = new int[r.length + 1][h.length + 1];
        for (int i = 0; i <= r.length; i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= h.length; j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= r.length; i++) {
            for (int j = 1; j <= h.length; j++) {
                int sub = d[i - 1][j - 1] + (r[i - 1].equals(h[j - 1]) ? 0 : 1);
                d[i][j] = Math.min(sub, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
            }
        }
        return d[r.length][h.length] / (double) r.length;
    }

    private static String[] words(String s) {
        String t = s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z' ]", " ").strip();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    @Test
    void werIsComputedCorrectly() {
        assertThat(wer("a b c d", "a b c d")).isZero();
        assertThat(wer("a b c d", "a x c")).isEqualTo(0.5);
        assertThat(wer("And so, my fellow", "and so my fellow")).isZero();
    }
}
