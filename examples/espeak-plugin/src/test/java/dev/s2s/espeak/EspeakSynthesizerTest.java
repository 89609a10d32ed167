package dev.s2s.espeak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.s2s.api.AudioClip;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SpeechSynthesizerProvider;
import dev.s2s.api.SynthesisException;
import dev.s2s.api.SynthesisOptions;
import dev.s2s.espeak.internal.EspeakLibrary;
import dev.s2s.testkit.TestData;

/**
 * Speaks through the real libespeak-ng. Skips when the library is absent, unless
 * S2S_REQUIRE_TEST_DATA=1 (CI installs libespeak-ng1), where its absence is a failure.
 */
class EspeakSynthesizerTest {

    @BeforeAll
    static void requireLibrary() {
        try {
            EspeakLibrary.load(null);
        } catch (UnsatisfiedLinkError e) {
            if (TestData.required()) {
                throw new AssertionError("libespeak-ng is required (S2S_REQUIRE_TEST_DATA=1): " + e.getMessage(), e);
            }
            Assumptions.abort("libespeak-ng not installed: " + e.getMessage());
        }
    }

    private static SpeechSynthesizer open(Map<String, ?> cfg) {
        return S2s.synthesizer("espeak", ProviderConfig.of(cfg));
    }

    @Test
    void isDiscoveredThroughTheServiceFile() {
        assertThat(S2s.names(SpeechSynthesizerProvider.class)).contains("espeak");
    }

    @Test
    void speaksHelloWorldWithPlausibleDurationAndLevel() {
        try (SpeechSynthesizer tts = open(Map.of())) {
            AudioClip clip = tts.synthesize("hello world");
            assertThat(clip.sampleRate()).isEqualTo(22050);
            assertThat(clip.channels()).isEqualTo(1);
            // Two words at 175 words per minute: about a second of speech.
            assertThat(clip.seconds()).isBetween(0.5, 2.5);
            assertThat(clip.rms()).isBetween(0.02, 0.5);
            assertThat(clip.peak()).isLessThanOrEqualTo(1.0);
            // Longer text gives longer audio.
            AudioClip longer = tts.synthesize("hello world, this is a longer sentence spoken by the plugin");
            assertThat(longer.seconds()).isGreaterThan(clip.seconds() * 2);
        }
    }

    @Test
    void rateAndSlowOptionChangeTheDuration() {
        try (SpeechSynthesizer fast = open(Map.of("rate", 350)); SpeechSynthesizer normal = open(Map.of())) {
            String text = "the quick brown fox jumps over the lazy dog";
            double n = normal.synthesize(text).seconds();
            assertThat(fast.synthesize(text).seconds()).isLessThan(n * 0.8);
            assertThat(normal.synthesize(text, SynthesisOptions.builder().slow(true).build()).seconds())
                    .isGreaterThan(n * 1.2);
        }
    }

    @Test
    void voicesAndLanguages() {
        try (SpeechSynthesizer tts = open(Map.of("voice", "en-us"))) {
            assertThat(tts.voices()).isNotEmpty().anyMatch(v -> v.endsWith("/en") || v.equals("en"));
            AudioClip fr = tts.synthesize("bonjour tout le monde", SynthesisOptions.builder().language("fr").build());
            assertThat(fr.seconds()).isBetween(0.5, 3.0);
            // a language tag with no voice file of its name goes to the voice that lists it, variant kept
            // (espeak's output varies by a few samples from call to call, so durations are compared)
            AudioClip gb = tts.synthesize("hello there", SynthesisOptions.builder().voice("en-gb").build());
            AudioClip gbDirect = tts.synthesize("hello there", SynthesisOptions.builder().voice("gmw/en").build());
            assertThat(gb.seconds()).isCloseTo(gbDirect.seconds(), within(0.01));
            AudioClip gbF3 = tts.synthesize("hello there", SynthesisOptions.builder().voice("en-GB+f3").build());
            assertThat(gbF3.seconds()).isCloseTo(tts.synthesize("hello there",
                    SynthesisOptions.builder().voice("gmw/en+f3").build()).seconds(), within(0.01));
            assertThatThrownBy(() -> tts.synthesize("x", SynthesisOptions.builder().voice("no-such-voice").build()))
                    .isInstanceOf(SynthesisException.class).hasMessageContaining("no-such-voice");
        }
        assertThatThrownBy(() -> open(Map.of("voice", "klingon-xx"))).isInstanceOf(SynthesisException.class)
                .hasMessageContaining("klingon-xx");
        assertThatThrownBy(() -> open(Map.of("rate", 5))).isInstanceOf(SynthesisException.class)
                .hasMessageContaining("80-450");
    }

    @Test
    void blankTextGivesEmptyAudioAndClosedRefuses() {
        SpeechSynthesizer tts = open(Map.of());
        assertThat(tts.synthesize("  ").isEmpty()).isTrue();
        tts.close();
        tts.close();
        assertThatThrownBy(() -> tts.synthesize("hello")).isInstanceOf(SynthesisException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void concurrentCallsAreSerialized() throws Exception {
        try (SpeechSynthesizer tts = open(Map.of())) {
            AudioClip expected = tts.synthesize("one two three");
            ExecutorService ex = Executors.newFixedThreadPool(4);
            try {
                List<Future<AudioClip>> fs = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    fs.add(ex.submit(() -> tts.synthesize("one two three")));
                }
                // espeak carries a little state from call to call, so clips differ by a few ms; two
                // calls interleaving on the shared engine would instead mix or double the samples.
                for (Future<AudioClip> f : fs) {
                    AudioClip c = f.get(60, TimeUnit.SECONDS);
                    assertThat(c.seconds()).isCloseTo(expected.seconds(), org.assertj.core.data.Offset.offset(0.05));
                    assertThat(c.rms()).isCloseTo(expected.rms(), org.assertj.core.data.Offset.offset(expected.rms() * 0.2));
                }
            } finally {
                ex.shutdownNow();
            }
        }
    }
}
