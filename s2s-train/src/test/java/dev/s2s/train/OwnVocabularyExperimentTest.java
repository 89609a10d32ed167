package dev.s2s.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.api.GenerationOptions;
import dev.s2s.api.SynthesisOptions;

class OwnVocabularyExperimentTest {

    @Test
    void ownIdsAreLearnedButMeanNothingToTheLlm(@TempDir Path dir) {
        TestComponents.WordModel llm = new TestComponents.WordModel(8);
        List<String> sentences = Sentences.sample(llm, "", 30, 0.8f, 5, 64, 3, 8, 100);
        DatasetBuilder.builder().outputDir(dir).sentences(sentences).languageModel(llm)
                .encoder(new TestComponents.BandEncoder())
                .voice("tone", new TestComponents.ToneVoice(), SynthesisOptions.builder().voice("low").build())
                .listener((d, t, id) -> new AtomicInteger()).build().run();
        Dataset ds = Dataset.open(dir);
        List<List<DatasetEntry>> split = ds.splitBySentence(4, 1);
        // characters are the own vocabulary; stack 1 keeps them CTC-feasible at 50 frames/s
        OwnVocabularyExperiment.Result r = OwnVocabularyExperiment.run(
                ProjectorTrainer.builder().stack(1).hidden(48).epochs(30).batchSize(8).learningRate(3e-3).build(),
                ds.load(split.get(0)), ds.load(split.get(1)), llm, 2, GenerationOptions.builder().maxTokens(3).build());
        assertThat(r.alphabet()).contains("t", "h", "e", " ");
        assertThat(r.training().history()).hasSize(30);
        assertThat(r.asLlmIds().ter()).as("own ids read as LLM ids").isGreaterThan(r.ownVocabulary().ter());
        assertThat(r.examples()).hasSize(2);
    }
}
