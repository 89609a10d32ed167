package dev.s2s.llama;

import dev.s2s.api.LanguageModel;
import dev.s2s.api.LanguageModelProvider;
import dev.s2s.api.ProviderConfig;

/**
 * The language-model provider {@code "llama"}: GGUF models run by llama.cpp through java-llama.cpp.
 *
 * <p>Configuration keys:
 * <ul>
 * <li>{@code model} (required): path of the GGUF model, validated by the pure-Java reader before
 * llama.cpp sees it.</li>
 * <li>{@code contextSize}: context window in tokens; default: the model's training context, at most
 * 2048 (java-llama.cpp's own default of 4096 exceeds small models).</li>
 * <li>{@code threads}: generation threads (default: the available processors);
 * {@code batchThreads}: prompt threads (default: {@code threads}).</li>
 * <li>{@code gpuLayers}: layers to offload to a GPU (default 0; the bundled natives are CPU-only).</li>
 * <li>{@code seed}: default sampling seed (default 42).</li>
 * <li>{@code lora}: LoRA adapters in GGUF form, as a path, a list of paths, or a list of
 * {@code {"path": "...", "scale": 0.8}} (scale default 1). This is how Unsloth fine-tunes are
 * used: export the adapter from Unsloth ({@code model.save_pretrained("lora")}) and convert it with
 * llama.cpp's {@code convert_lora_to_gguf.py}, or merge it into a full GGUF with
 * {@code model.save_pretrained_gguf(...)} and name that file as {@code model}.</li>
 * <li>{@code systemPrompt}: a system message put first in chat prompts that have none.</li>
 * <li>{@code chatTemplate}: a Jinja chat template that replaces the model's own.</li>
 * <li>{@code nativeLog}: {@code true} (default) routes llama.cpp's log to SLF4J logger
 * {@code dev.s2s.llama.native}; {@code false} drops it. Nothing is ever written to stderr.</li>
 * </ul>
 * Relative paths resolve against the configuration file's folder. Stateless and thread-safe.
 */
public final class LlamaLanguageModelProvider implements LanguageModelProvider {

    /** Creates the provider (cheap; models load in {@link #create}). */
    public LlamaLanguageModelProvider() {
    }

    @Override
    public String name() {
        return "llama";
    }

    @Override
    public String description() {
        return "GGUF language models on llama.cpp (java-llama.cpp)";
    }

    @Override
    public LanguageModel create(ProviderConfig config) {
        return LlamaLanguageModel.open(LlamaSettings.from(config));
    }
}
