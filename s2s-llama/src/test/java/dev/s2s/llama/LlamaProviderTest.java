package dev.s2s.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.api.ConfigException;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.LanguageModelProvider;
import dev.s2s.api.ModelFormatException;
import dev.s2s.api.Prompt;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;

/** The "llama" provider: discovery, configuration keys and bad input. */
class LlamaProviderTest {

    @TempDir
    Path dir;

    @Test
    void isDiscoveredByName() {
        assertThat(S2s.names(LanguageModelProvider.class)).contains("llama");
        assertThat(S2s.provider(LanguageModelProvider.class, "LLAMA")).isInstanceOf(LlamaLanguageModelProvider.class);
    }

    @Test
    void readsEveryConfigurationKey() throws IOException {
        Path lora = Files.writeString(dir.resolve("a.gguf"), "x");
        ProviderConfig c = ProviderConfig.parse("""
                {"model": "%s", "contextSize": 128, "threads": 1, "batchThreads": 2, "gpuLayers": 0, "seed": 7,
                 "lora": ["%s", {"path": "%s", "scale": 0.5}], "systemPrompt": "S", "chatTemplate": "T",
                 "nativeLog": false}""".formatted(Models.stories(), lora, lora));
        LlamaSettings s = LlamaSettings.from(c);
        assertThat(s.model()).isEqualTo(Models.stories());
        assertThat(s.contextSize()).isEqualTo(128);
        assertThat(s.threads()).isEqualTo(1);
        assertThat(s.batchThreads()).isEqualTo(2);
        assertThat(s.seed()).isEqualTo(7);
        assertThat(s.loras()).containsExactly(new LlamaSettings.Lora(lora, 1f), new LlamaSettings.Lora(lora, 0.5f));
        assertThat(s.systemPrompt()).isEqualTo("S");
        assertThat(s.chatTemplate()).isEqualTo("T");
        assertThat(s.nativeLog()).isFalse();
        LlamaSettings d = LlamaSettings.from(ProviderConfig.of(Map.of("model", Models.stories().toString())));
        assertThat(d.contextSize()).isZero();
        assertThat(d.batchThreads()).isEqualTo(d.threads());
        assertThat(d.loras()).isEmpty();
        assertThat(d.nativeLog()).isTrue();
    }

    @Test
    void contextSizeDefaultsToTheModelsButAtMost2048() {
        try (LlamaLanguageModel m = (LlamaLanguageModel) S2s.languageModel("llama",
                ProviderConfig.of(Map.of("model", Models.stories().toString(), "threads", 1)))) {
            assertThat(m.contextSize()).isEqualTo(2048); // stories260K was trained with 2048
            assertThat(m.generate(Prompt.text(Models.PROMPT), GenerationOptions.builder().maxTokens(3).build())
                    .tokens()).hasSize(3);
        }
    }

    @Test
    void badConfigurationsAreNamed() throws IOException {
        assertThatThrownBy(() -> S2s.languageModel("llama", ProviderConfig.empty()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'model'");
        assertThatThrownBy(() -> S2s.languageModel("llama", ProviderConfig.of(Map.of("model", "/nope.gguf"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> LlamaSettings.from(ProviderConfig.of(Map.of("model", Models.stories().toString(),
                "threads", 0)))).isInstanceOf(ConfigException.class).hasMessageContaining("threads");
        assertThatThrownBy(() -> LlamaSettings.from(ProviderConfig.of(Map.of("model", Models.stories().toString(),
                "lora", List.of(Map.of("path", Models.stories().toString(), "scale", "big"))))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("scale");
    }

    @Test
    void badModelFilesFailInJavaBeforeNativeCode() throws IOException {
        Path text = Files.writeString(dir.resolve("model.gguf"), "this is not a model");
        assertThatThrownBy(() -> S2s.languageModel("llama", Models.config(text)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("not a GGUF file");
        Path empty = Files.write(dir.resolve("empty.gguf"), new byte[0]);
        assertThatThrownBy(() -> S2s.languageModel("llama", Models.config(empty)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("empty");
        // a valid GGUF without a vocabulary (an adapter-like file): refused with the reason
        Path noVocab = Files.write(dir.resolve("novocab.gguf"), new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertThatThrownBy(() -> S2s.languageModel("llama", Models.config(noVocab)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("no vocabulary");
    }

    @Test
    void loraAdaptersAreValidated() throws IOException {
        Path notGguf = Files.writeString(dir.resolve("lora.gguf"), "nope");
        ProviderConfig c = Models.config(Models.stories()).with("lora", List.of(notGguf.toString()));
        assertThatThrownBy(() -> S2s.languageModel("llama", c)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not a GGUF file");
        ProviderConfig model = Models.config(Models.stories()).with("lora",
                List.of(Map.of("path", Models.stories().toString(), "scale", 0.5)));
        assertThatThrownBy(() -> S2s.languageModel("llama", model)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not a LoRA adapter");
    }

    @Test
    void theModelIsALanguageModel() {
        try (LanguageModel m = S2s.languageModel("llama", Models.config(Models.stories()))) {
            assertThat(m).isInstanceOf(LlamaLanguageModel.class);
            assertThat(m.toString()).contains("stories260K.gguf");
        }
    }
}
