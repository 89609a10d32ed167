package dev.s2s.marytts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.s2s.api.AudioClip;
import dev.s2s.api.ConfigException;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SynthesisException;
import dev.s2s.api.SynthesisOptions;

class MaryTtsSynthesizerTest {

    private static final String HELLO = "Hello world, this is a test.";

    private static SpeechSynthesizer tts;
    private static AudioClip hello;

    @BeforeAll
    static void start() {
        tts = S2s.synthesizer("marytts", ProviderConfig.empty());
        hello = tts.synthesize(HELLO);
    }

    @AfterAll
    static void stop() {
        tts.close();
    }

    @Test
    void helloWorldIsSpeech() {
        assertThat(hello.sampleRate()).isEqualTo(48_000);
        assertThat(hello.channels()).isEqualTo(1);
        assertThat(hello.seconds()).isBetween(1.5, 4.0);
        assertThat(hello.rms()).isGreaterThan(0.05);
        assertThat(voicedFraction(hello)).as("fraction of 20 ms windows above -34 dBFS").isGreaterThan(0.3);
        assertThat(longestClippedRun(hello)).as("longest run of clipped samples").isLessThan(3);
        assertThat(hello.peak()).isLessThan(1.0);
    }

    @Test
    void listsTheShippedVoice() {
        assertThat(tts.voices()).contains(MaryTtsSynthesizer.DEFAULT_VOICE);
        assertThat(((MaryTtsSynthesizer) tts).voice()).isEqualTo(MaryTtsSynthesizer.DEFAULT_VOICE);
    }

    @Test
    void unknownVoiceIsAClearError() {
        assertThatThrownBy(() -> tts.synthesize(HELLO, SynthesisOptions.builder().voice("no-such-voice").build()))
                .isInstanceOf(SynthesisException.class)
                .hasMessageContaining("no-such-voice")
                .hasMessageContaining(MaryTtsSynthesizer.DEFAULT_VOICE);
        assertThatThrownBy(() -> S2s.synthesizer("marytts", ProviderConfig.of(java.util.Map.of("voice", "nope"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'voice'")
                .hasMessageContaining("nope")
                .hasMessageContaining(MaryTtsSynthesizer.DEFAULT_VOICE);
    }

    @Test
    void languageSelectsOrRejectsTheVoice() {
        AudioClip en = tts.synthesize(HELLO, SynthesisOptions.builder().language("en-US").build());
        assertThat(en).isEqualTo(hello);
        assertThatThrownBy(() -> tts.synthesize(HELLO, SynthesisOptions.builder().language("fr").build()))
                .isInstanceOf(SynthesisException.class)
                .hasMessageContaining("'fr'");
        assertThatThrownBy(() -> tts.synthesize(HELLO,
                SynthesisOptions.builder().voice(MaryTtsSynthesizer.DEFAULT_VOICE).language("de").build()))
                .isInstanceOf(SynthesisException.class)
                .hasMessageContaining("en_US");
    }

    @Test
    void ssmlBreakLengthensTheAudio() {
        SynthesisOptions ssml = SynthesisOptions.builder().ssml(true).build();
        String ns = "<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\" xml:lang=\"en-US\">";
        AudioClip plain = tts.synthesize(ns + "Hello world.</speak>", ssml);
        AudioClip paused = tts.synthesize(ns + "Hello <break time=\"1500ms\"/> world.</speak>", ssml);
        assertThat(plain.rms()).isGreaterThan(0.05);
        assertThat(paused.seconds() - plain.seconds()).isBetween(1.0, 2.5);
        try (SpeechSynthesizer alwaysSsml = S2s.synthesizer("marytts", ProviderConfig.of(java.util.Map.of("ssml", true)))) {
            assertThat(alwaysSsml.synthesize(ns + "Hello world.</speak>")).isEqualTo(plain);
        }
    }

    @Test
    void slowSpeechIsLonger() {
        AudioClip slow = tts.synthesize(HELLO, SynthesisOptions.builder().slow(true).build());
        assertThat(slow.seconds() / hello.seconds()).isBetween(1.1, 2.0);
        assertThat(slow.rms()).isGreaterThan(0.05);
        String ssml = "<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\" xml:lang=\"en-US\">"
                + HELLO + "</speak>";
        AudioClip slowSsml = tts.synthesize(ssml, SynthesisOptions.builder().ssml(true).slow(true).build());
        assertThat(slowSsml.seconds()).isCloseTo(slow.seconds(), org.assertj.core.data.Offset.offset(0.2));
    }

    @Test
    void invalidSsmlIsAClearError() {
        SynthesisOptions ssml = SynthesisOptions.builder().ssml(true).build();
        assertThatThrownBy(() -> tts.synthesize("<speak>unclosed", ssml))
                .isInstanceOf(SynthesisException.class).hasMessageContaining("invalid SSML");
        assertThatThrownBy(() -> tts.synthesize("<p>Hello</p>", ssml))
                .isInstanceOf(SynthesisException.class).hasMessageContaining("<speak>");
    }

    @Test
    void safeToCreateTwiceAndCallFromSeveralThreads() throws Exception {
        List<Callable<SpeechSynthesizer>> creators = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            creators.add(MaryTtsSynthesizer::create);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<SpeechSynthesizer> created = new ArrayList<>();
            for (Future<SpeechSynthesizer> f : pool.invokeAll(creators)) {
                created.add(f.get());
            }
            List<Future<AudioClip>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                SpeechSynthesizer s = created.get(i % 2);
                results.add(pool.submit(() -> s.synthesize(HELLO)));
            }
            for (Future<AudioClip> f : results) {
                assertThat(f.get()).isEqualTo(hello);
            }
            created.forEach(SpeechSynthesizer::close);
            assertThatThrownBy(() -> created.getFirst().synthesize(HELLO)).isInstanceOf(IllegalStateException.class);
            assertThat(tts.synthesize(HELLO)).as("closing one instance leaves the others working").isEqualTo(hello);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void blankTextIsEmptyAudio() {
        assertThat(tts.synthesize("  ").isEmpty()).isTrue();
        assertThat(tts.synthesize("  ").sampleRate()).isEqualTo(48_000);
    }

    @Test
    void writesNoLogFileIntoTheWorkingDirectory() {
        assertThat(Files.exists(Path.of("log", "server.log"))).isFalse();
        assertThat(Files.exists(Path.of("log"))).isFalse();
    }

    private static double voicedFraction(AudioClip clip) {
        int win = clip.sampleRate() / 50;
        int voiced = 0;
        int windows = 0;
        for (int start = 0; start + win <= clip.frames(); start += win) {
            windows++;
            if (clip.slice(start, start + win).rms() > 0.02) {
                voiced++;
            }
        }
        return windows == 0 ? 0 : voiced / (double) windows;
    }

    private static int longestClippedRun(AudioClip clip) {
        float[] s = clip.samples();
        int run = 0;
        int longest = 0;
        for (float v : s) {
            run = Math.abs(v) >= 0.999f ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }
}
