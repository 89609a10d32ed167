package dev.s2s.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.s2s.api.AudioEncoder;
import dev.s2s.api.AudioEncoderProvider;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.LanguageModelProvider;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SpeechSynthesizerProvider;
import dev.s2s.api.SynthesisOptions;
import dev.s2s.testkit.TestData;

/**
 * The CI end-to-end run of recipe A1 at reduced size, on data it generates itself: sentences
 * sampled from stories260K, spoken by MaryTTS cmu-slt-hsmm, Whisper log-mel features with pairs
 * averaged (80-d at 20 ms), a fixed seed and a fixed number of epochs. It asserts the held-out
 * TER, never a time; the time is logged. {@code -Ds2s.train.a1.sentences=N} changes the size.
 */
class A1EndToEndTest {

    private static final Logger LOG = LoggerFactory.getLogger(A1EndToEndTest.class);

    @Test
    void a1OnGeneratedDataReachesTheReducedBar(@TempDir Path dir) {
        Assumptions.assumeTrue(S2s.names(LanguageModelProvider.class).contains("llama")
                && S2s.names(AudioEncoderProvider.class).contains("whisper-mel")
                && S2s.names(SpeechSynthesizerProvider.class).contains("marytts"),
                "needs the llama, whisper-mel and marytts providers on the class path");
        Path gguf = TestData.model("stories260K.gguf");
        Path whisper = TestData.model("for-tests-ggml-tiny.bin");
        int n = Integer.getInteger("s2s.train.a1.sentences", 300);
        long t0 = System.nanoTime();
        try (LanguageModel llm = S2s.languageModel("llama", ProviderConfig.of(Map.of("model", gguf.toString(),
                "threads", 1)));
                SpeechSynthesizer mary = S2s.synthesizer("marytts", ProviderConfig.empty());
                AudioEncoder mel = S2s.audioEncoder("whisper-mel", ProviderConfig.of(Map.of("model",
                        whisper.toString(), "pairAverage", true)))) {
            List<String> sentences = Sentences.sample(llm, "Once upon a time", n, 1.0f, 1000, 160, 3, 16, 20 * n);
            DatasetBuilder.Summary s = DatasetBuilder.builder().outputDir(dir).sentences(sentences).languageModel(llm)
                    .encoder(mel).voice("marytts:cmu-slt-hsmm", mary, SynthesisOptions.builder()
                            .voice("cmu-slt-hsmm").build()).keepAudio(false).threads(2).build().run();
            assertThat(s.failed()).isZero();
            double dataSeconds = (System.nanoTime() - t0) * 1e-9;
            Dataset ds = Dataset.open(dir);
            ProjectorExperiment.Report r = ProjectorExperiment.train(ds, Math.max(20, n / 8), 7,
                    ProjectorTrainer.recipeA1().epochs(40).evalEvery(10).seed(42).build(), llm, dir.resolve("out"),
                    "a1", 2, GenerationOptions.builder().maxTokens(16).build());
            LOG.info("A1 end to end, {} sentences: data {} s, training {} s ({} GFLOP/s), held-out TER {}, exact {}",
                    n, String.format("%.1f", dataSeconds), String.format("%.1f", r.training().trainSeconds()),
                    String.format("%.1f", r.training().gflops()), String.format("%.3f", r.heldOut().ter()),
                    String.format("%.3f", r.heldOut().exactMatch()));
            assertThat(r.heldOut().ter()).isLessThanOrEqualTo(0.6);
            assertThat(r.plot()).exists();
            assertThat(r.reportJson()).exists();
            // the deployed path decodes what the trainer scored
            Evaluation.Result rt = ProjectorExperiment.evaluate(ds, ds.splitBySentence(Math.max(20, n / 8), 7).get(1),
                    r.exported().config(), llm);
            assertThat(rt.ter()).isCloseTo(r.heldOut().ter(), org.assertj.core.data.Offset.offset(0.02));
        }
    }
}
