package dev.s2s.llama;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;

import dev.s2s.api.CancellationToken;
import dev.s2s.api.Generation;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.Prompt;
import dev.s2s.llama.internal.LlamaCppLoader;
import dev.s2s.testkit.TestData;

/**
 * llama-direct against the "llama" provider and against java-llama.cpp itself, in one JVM over one copy of {@code libjllama}:
 * greedy, 100 tokens from "Once upon a time" on stories260K, piece for piece.
 */
class DirectVsJavaLlamaTest {

    @Test
    void greedyOutputEqualsTheLlamaProviderTokenForToken() {
        Path stories = TestData.model("stories260K.gguf");
        LlamaSettings s = LlamaSettings.builder(stories).threads(1).batchThreads(1).contextSize(512).build();
        GenerationOptions greedy = GenerationOptions.builder().maxTokens(100).temperature(0).build();
        Generation direct;
        try (LlamaDirectModel m = LlamaDirectModel.open(s)) {
            direct = m.generate(Prompt.text("Once upon a time"), greedy);
        }
        Generation llama;
        try (LlamaLanguageModel m = LlamaLanguageModel.open(s)) {
            llama = m.generate(Prompt.text("Once upon a time"), greedy);
        }
        assertThat(direct.tokens()).hasSize(100).containsExactly(llama.tokens());
        assertThat(direct.text()).isEqualTo(llama.text());
        assertThat(direct.stopReason()).isEqualTo(llama.stopReason());
    }

    @Test
    void greedyOutputEqualsJavaLlamaCppTokenForToken() {
        Path stories = TestData.model("stories260K.gguf");
        List<String> directPieces = new ArrayList<>();
        Generation direct;
        try (LlamaDirectModel m = LlamaDirectModel.open(
                LlamaSettings.builder(stories).threads(1).batchThreads(1).contextSize(512).build())) {
            direct = m.generate(Prompt.text("Once upon a time"),
                    GenerationOptions.builder().maxTokens(100).temperature(0).build(),
                    (id, piece) -> directPieces.add(piece), CancellationToken.none());
            assertThat(direct.tokens()).hasSize(100);
        }

        Path lib = LlamaDirectModel.libraryPath();
        List<String> javaPieces = new ArrayList<>();
        LlamaModel.setLogger(LogFormat.TEXT, (level, text) -> { });
        try (LlamaModel jm = new LlamaModel(new ModelParameters().setModel(stories.toString()).setCtxSize(512)
                .setThreads(1).setThreadsBatch(1).setParallel(1))) {
            for (LlamaOutput o : jm.generate(new InferenceParameters("Once upon a time").setTemperature(0)
                    .setNPredict(100).setSeed(42))) {
                if (!o.text.isEmpty()) { // the final "stop" message carries no text
                    javaPieces.add(o.text);
                }
            }
        }
        // java-llama.cpp loaded the very same file
        assertThat(LlamaCppLoader.mappedInProcess(lib.getFileName().toString())).contains(lib);
        assertThat(String.join("", javaPieces)).isEqualTo(direct.text());
        assertThat(javaPieces).hasSize(100).containsExactlyElementsOf(directPieces);
    }
}
