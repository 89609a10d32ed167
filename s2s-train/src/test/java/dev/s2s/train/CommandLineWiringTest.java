package dev.s2s.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.api.ConfigException;
import dev.s2s.api.ProviderNotFoundException;

/** The small pieces a command line wires: recipes by name, sentence caps, voice specs. */
class CommandLineWiringTest {

    private static DatasetEntry entry(int sentence, String voice) {
        return new DatasetEntry(sentence + "-" + voice, sentence, "s" + sentence, new int[] {1}, voice, null,
                "f.npy", 4, 2, 50, 0.1);
    }

    @Test
    void recipesByName() {
        assertThat(ProjectorTrainer.recipe("a2").build()).isNotNull();
        assertThat(ProjectorTrainer.recipe(" A3 ").build()).isNotNull();
        assertThatThrownBy(() -> ProjectorTrainer.recipe("A4")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("A4");
    }

    @Test
    void firstSentencesKeepsAllVoicesOfTheFirstN() {
        List<DatasetEntry> all = List.of(entry(3, "a"), entry(3, "b"), entry(1, "a"), entry(5, "a"), entry(1, "b"));
        assertThat(Dataset.firstSentences(all, 2)).extracting(DatasetEntry::id)
                .containsExactly("3-a", "3-b", "1-a", "1-b");
        assertThat(Dataset.firstSentences(all, 0)).isEmpty();
    }

    @Test
    void ofVoicesKeepsTheNamedVoicesAndRejectsAbsentOnes(@TempDir Path dir) throws Exception {
        List<DatasetEntry> all = List.of(entry(3, "a"), entry(3, "b"), entry(1, "a"), entry(1, "c"));
        Files.write(dir.resolve(Dataset.MANIFEST), all.stream().map(Dataset::line).toList());
        Dataset ds = Dataset.open(dir);
        assertThat(ds.ofVoices(all, List.of("a", "c"))).extracting(DatasetEntry::id)
                .containsExactly("3-a", "1-a", "1-c");
        // the voices are checked against the whole dataset, not the (maybe empty) selection
        assertThat(ds.ofVoices(List.of(), List.of("b"))).isEmpty();
        assertThatThrownBy(() -> ds.ofVoices(all.subList(0, 1), List.of("a", "espeak:en-us")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'espeak:en-us'")
                .hasMessageContaining("[a, b, c]");
        assertThatThrownBy(() -> ds.ofVoices(all, List.of())).isInstanceOf(ConfigException.class);
    }

    @Test
    void aVoiceTheSynthesizerLacksFailsOnceWhenOpened() {
        // MaryTTS is a test dependency of this module; it has only the cmu-slt-hsmm voice here
        assertThatThrownBy(() -> Voices.open(List.of("marytts:no-such-voice"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("voice 'marytts:no-such-voice' does not work");
    }

    @Test
    void badVoiceSpecs() {
        assertThatThrownBy(() -> Voices.open(List.of())).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> Voices.open(List.of("marytts:"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("synthesizer[:voice]");
        assertThatThrownBy(() -> Voices.open(List.of("no-such-synth:x"))).isInstanceOf(
                ProviderNotFoundException.class);
    }
}
