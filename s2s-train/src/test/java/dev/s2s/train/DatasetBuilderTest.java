package dev.s2s.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.api.ConfigException;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.SynthesisOptions;

class DatasetBuilderTest {

    private static final List<String> SENTENCES = List.of("the cat sat on a mat.", "a big red ball.", "   ",
            "the dog ran to the sun.", "the sun was hot.", "a red cat ran.");

    private static DatasetBuilder builder(Path dir, List<String> sentences, TestComponents.ToneVoice synth,
            AtomicInteger progress) {
        return DatasetBuilder.builder().outputDir(dir).sentences(sentences)
                .languageModel(new TestComponents.WordModel(8)).encoder(new TestComponents.BandEncoder())
                .voice("tone low", synth, SynthesisOptions.builder().voice("low").build())
                .voice("tone:high", synth, SynthesisOptions.builder().voice("high").build()).threads(2)
                .listener((d, t, id) -> progress.incrementAndGet()).build();
    }

    @Test
    void buildsAManifestWithFeaturesAndAudioAndResumes(@TempDir Path dir) throws Exception {
        TestComponents.ToneVoice synth = new TestComponents.ToneVoice();
        AtomicInteger progress = new AtomicInteger();
        DatasetBuilder.Summary s = builder(dir, SENTENCES, synth, progress).run();
        assertThat(s.sentences()).isEqualTo(6);
        assertThat(s.emptyTranscripts()).isEqualTo(1);
        assertThat(s.items()).isEqualTo(10);
        assertThat(s.written()).isEqualTo(10);
        assertThat(s.failed()).isZero();
        assertThat(progress.get()).isEqualTo(10);

        Dataset ds = Dataset.open(dir);
        assertThat(ds.entries()).hasSize(10);
        assertThat(ds.voices()).containsExactlyInAnyOrder("tone low", "tone:high");
        DatasetEntry e = ds.entries().stream().filter(x -> x.id().equals("000000-tone-low")).findFirst().orElseThrow();
        assertThat(e.text()).isEqualTo("the cat sat on a mat.");
        assertThat(e.tokens()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(e.dim()).isEqualTo(24);
        assertThat(e.framesPerSecond()).isEqualTo(50);
        assertThat(e.seconds()).isCloseTo(1.8, org.assertj.core.data.Offset.offset(0.01));
        assertThat(dir.resolve(e.audio())).exists();
        assertThat(dev.s2s.api.Wav.read(dir.resolve(e.audio())).sampleRate()).isEqualTo(16000);
        Utterance u = ds.load(e);
        assertThat(u.frames()).isEqualTo(e.frames()).isBetween(88, 90);

        // interrupt: drop three complete lines and leave half a line, then resume
        Path m = dir.resolve(Dataset.MANIFEST);
        List<String> lines = Files.readAllLines(m);
        List<String> kept = new ArrayList<>(lines.subList(0, 7));
        Files.write(m, kept);
        Files.writeString(m, lines.get(7).substring(0, 20), java.nio.file.StandardOpenOption.APPEND);
        int callsBefore = synth.calls;
        DatasetBuilder.Summary again = builder(dir, SENTENCES, synth, new AtomicInteger()).run();
        assertThat(again.resumed()).isEqualTo(7);
        assertThat(again.written()).isEqualTo(3);
        assertThat(synth.calls - callsBefore).isEqualTo(3);
        assertThat(Dataset.open(dir).entries()).hasSize(10);

        // split by sentence: held-out text never appears in training
        List<List<DatasetEntry>> split = Dataset.open(dir).splitBySentence(2, 1);
        assertThat(split.get(1)).hasSize(4);
        assertThat(split.get(0)).hasSize(6);
        assertThat(split.get(0)).noneMatch(a -> split.get(1).stream().anyMatch(b -> b.text().equals(a.text())));

        // a second build while one holds the folder is refused
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.resolve(".lock"),
                java.nio.file.StandardOpenOption.WRITE); java.nio.channels.FileLock held = ch.lock()) {
            assertThatThrownBy(() -> builder(dir, SENTENCES, synth, new AtomicInteger()).run())
                    .isInstanceOf(ConfigException.class).hasMessageContaining("another dataset build");
        }
        // a folder of other sentences is refused
        assertThatThrownBy(() -> builder(dir, List.of("the cat."), synth, new AtomicInteger()).run())
                .isInstanceOf(ConfigException.class).hasMessageContaining("other sentences");
        // a list that starts with the folder's sentences extends it: only the new sentences are spoken
        List<String> more = new ArrayList<>(SENTENCES);
        more.add("the red ball was hot.");
        int before = synth.calls;
        DatasetBuilder.Summary extended = builder(dir, more, synth, new AtomicInteger()).run();
        assertThat(extended.resumed()).isEqualTo(10);
        assertThat(extended.written()).isEqualTo(2);
        assertThat(synth.calls - before).isEqualTo(2);
        assertThat(Files.readAllLines(dir.resolve("sentences.txt"))).isEqualTo(more);
        assertThat(Dataset.open(dir).entries()).hasSize(12);
    }

    @Test
    void trainsEndToEndOnTheBuiltDataset(@TempDir Path dir) {
        List<String> sentences = Sentences.sample(new TestComponents.WordModel(8), "", 40, 0.8f, 1, 64, 3, 8, 100);
        assertThat(sentences).hasSizeGreaterThan(30).allMatch(x -> x.endsWith("."));
        TestComponents.ToneVoice synth = new TestComponents.ToneVoice();
        builder(dir, sentences, synth, new AtomicInteger()).run();
        Dataset ds = Dataset.open(dir);
        List<List<DatasetEntry>> split = ds.splitBySentence(5, 3);
        TestComponents.WordModel llm = new TestComponents.WordModel(8);
        List<Utterance> train = ds.load(split.get(0));
        List<Utterance> held = ds.load(split.get(1));
        TrainingResult r = ProjectorTrainer.builder().hidden(48).epochs(40).batchSize(8).learningRate(3e-3)
                .evalEvery(5).build().train(train, held, llm.tokenEmbeddings());
        Evaluation.Result ev = Evaluation.evaluate(r.projector(), held);
        assertThat(ev.ter()).as("held-out TER").isLessThan(0.3);
        assertThat(ev.perVoiceTer()).containsOnlyKeys("tone low", "tone:high");
        List<Evaluation.Example> ex = Evaluation.examples(ev, llm, 2, GenerationOptions.builder().maxTokens(4).build());
        assertThat(ex).hasSize(2);
        assertThat(ex.get(0).decoded()).isNotBlank();
    }

    @Test
    void sentencesAreSplitAndDeduplicated() {
        assertThat(Sentences.split("One day, a cat sat. It was hot!  Was it?\"No.\" Then  \n end"))
                .containsExactly("One day, a cat sat.", "It was hot!", "Was it?\"No.\"", "Then end");
        assertThat(Sentences.dedupe(List.of("a b c", "a b c", "x", "d e f"), 2, 5)).containsExactly("a b c", "d e f");
    }
}
