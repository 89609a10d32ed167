package dev.s2s.llama;

import dev.s2s.api.LanguageModel;
import dev.s2s.api.LanguageModelProvider;
import dev.s2s.api.ProviderConfig;

/**
 * The {@code "llama-direct"} language-model provider: llama.cpp's C API through JNA
 * ({@link LlamaDirectModel}), with embedding and mixed prompts, KV-cache reuse across turns and no
 * per-token server overhead. It reads the same configuration keys as the {@code "llama"} provider
 * ({@link LlamaSettings#from(ProviderConfig)}):
 * <ul>
 *   <li>{@code model} (required): the GGUF file;</li>
 *   <li>{@code contextSize}: context window in tokens, 0 (default) for the model's training
 *       context, at most 2048;</li>
 *   <li>{@code threads}, {@code batchThreads}: CPU threads for generation and for prompts
 *       (default: all cores);</li>
 *   <li>{@code gpuLayers}: layers to offload (0; the bundled library is CPU-only on Linux);</li>
 *   <li>{@code lora}: a GGUF LoRA adapter path, or a list of paths or
 *       {@code {"path": ..., "scale": ...}} objects;</li>
 *   <li>{@code systemPrompt}: a system message for chat prompts that have none;</li>
 *   <li>{@code chatTemplate}: a template used instead of the model's own (one that
 *       {@code llama_chat_apply_template} recognises);</li>
 *   <li>{@code nativeLog}: route llama.cpp's log to SLF4J (true, default) or drop it.</li>
 * </ul>
 * {@code seed} is accepted for compatibility; llama-direct takes the seed from each generation's
 * options. Thread-safe and stateless.
 */
public final class LlamaDirectProvider implements LanguageModelProvider {

    /** The provider name. */
    public static final String NAME = "llama-direct";

    /** For {@link java.util.ServiceLoader}. */
    public LlamaDirectProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "llama.cpp C API through JNA (libjllama of java-llama.cpp 4.2.0, llama.cpp b4916): text, chat, "
                + "token, embedding and mixed prompts";
    }

    @Override
    public LanguageModel create(ProviderConfig config) {
        return LlamaDirectModel.open(LlamaSettings.from(config));
    }
}
