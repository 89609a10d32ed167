package dev.s2s.llama;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;

import dev.s2s.api.ConfigException;
import dev.s2s.api.ProviderConfig;

/**
 * How to load a GGUF model with java-llama.cpp. Build with {@link #builder(Path)} or read from a
 * provider configuration with {@link #from(ProviderConfig)}; the configuration keys are listed on
 * {@link LlamaLanguageModelProvider}.
 *
 * @param model        the GGUF model file
 * @param contextSize  context window in tokens; 0 means "the model's training context, at most 2048"
 * @param threads      generation threads, at least 1
 * @param batchThreads prompt-processing threads, at least 1
 * @param gpuLayers    layers to offload to a GPU (0 on CPU-only builds)
 * @param seed         the default sampling seed (a generation's own seed wins)
 * @param loras        LoRA adapters (GGUF) with their scales, applied in order
 * @param systemPrompt a system message put first in chat prompts that have none, or {@code null}
 * @param chatTemplate a Jinja chat template that replaces the model's own, or {@code null}
 * @param nativeLog    true to route llama.cpp's own log lines to SLF4J (logger {@code dev.s2s.llama.native});
 *                     false drops them. Either way nothing reaches stderr.
 */
public record LlamaSettings(Path model, int contextSize, int threads, int batchThreads, int gpuLayers, long seed,
        List<Lora> loras, String systemPrompt, String chatTemplate, boolean nativeLog) {

    /**
     * A LoRA adapter in GGUF form (e.g. exported from an Unsloth fine-tune with llama.cpp's
     * {@code convert_lora_to_gguf.py}).
     *
     * @param path  the adapter file
     * @param scale how strongly it applies; 1 is the trained strength, 0 turns it off
     */
    public record Lora(Path path, float scale) {
        /** Validates. */
        public Lora {
            Objects.requireNonNull(path, "path");
            if (!Float.isFinite(scale)) {
                throw new ConfigException("LoRA scale must be finite, got " + scale);
            }
        }
    }

    /** Validates and copies. */
    public LlamaSettings {
        Objects.requireNonNull(model, "model");
        if (contextSize < 0) {
            throw new ConfigException("contextSize must be >= 0, got " + contextSize);
        }
        if (threads < 1 || batchThreads < 1) {
            throw new ConfigException("threads must be >= 1, got " + threads + " / " + batchThreads);
        }
        if (gpuLayers < 0) {
            throw new ConfigException("gpuLayers must be >= 0, got " + gpuLayers);
        }
        loras = List.copyOf(loras);
    }

    /** A builder for {@code model} with the defaults. */
    public static Builder builder(Path model) {
        return new Builder(model);
    }

    /**
     * Reads the settings from a provider configuration.
     *
     * @throws ConfigException for a missing model or a value of the wrong type
     */
    public static LlamaSettings from(ProviderConfig c) {
        Builder b = builder(c.requireFile("model"))
                .contextSize(c.integer("contextSize", 0))
                .threads(c.integer("threads", defaultThreads()))
                .gpuLayers(c.integer("gpuLayers", 0))
                .seed(c.longValue("seed", 42))
                .systemPrompt(c.string("systemPrompt"))
                .chatTemplate(c.string("chatTemplate"))
                .nativeLog(c.bool("nativeLog", true));
        b.batchThreads(c.integer("batchThreads", b.threads));
        JsonNode loras = c.json().get("lora");
        if (loras != null && !loras.isNull()) {
            List<JsonNode> items = new ArrayList<>();
            if (loras.isArray()) {
                loras.forEach(items::add);
            } else {
                items.add(loras);
            }
            for (JsonNode l : items) {
                if (l.isTextual()) {
                    b.lora(checkedFile(c, "lora", l.asText()), 1f);
                } else if (l.isObject() && l.hasNonNull("path")) {
                    JsonNode scale = l.get("scale");
                    if (scale != null && !scale.isNumber()) {
                        throw new ConfigException("'lora' scale must be a number, got " + scale);
                    }
                    b.lora(checkedFile(c, "lora", l.get("path").asText()), scale == null ? 1f : scale.floatValue());
                } else {
                    throw new ConfigException("'lora' entries must be a path or {\"path\": ..., \"scale\": ...}, got "
                            + l);
                }
            }
        }
        return b.build();
    }

    private static Path checkedFile(ProviderConfig c, String key, String value) {
        Path p = c.resolve(value);
        if (!java.nio.file.Files.isRegularFile(p)) {
            throw new ConfigException("'" + key + "' names a file that does not exist: " + p);
        }
        return p;
    }

    static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Builder for {@link LlamaSettings}. Not thread-safe. */
    public static final class Builder {
        private final Path model;
        private int contextSize;
        private int threads = defaultThreads();
        private int batchThreads = -1;
        private int gpuLayers;
        private long seed = 42;
        private final List<Lora> loras = new ArrayList<>();
        private String systemPrompt;
        private String chatTemplate;
        private boolean nativeLog = true;

        private Builder(Path model) {
            this.model = model;
        }

        /** @param v context size in tokens, 0 for the model's own (at most 2048) @return this */
        public Builder contextSize(int v) {
            contextSize = v;
            return this;
        }

        /** @param v generation threads @return this */
        public Builder threads(int v) {
            threads = v;
            return this;
        }

        /** @param v prompt-processing threads (default: {@link #threads}) @return this */
        public Builder batchThreads(int v) {
            batchThreads = v;
            return this;
        }

        /** @param v layers offloaded to a GPU @return this */
        public Builder gpuLayers(int v) {
            gpuLayers = v;
            return this;
        }

        /** @param v default seed @return this */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** @param path a GGUF LoRA adapter @param scale its scale @return this */
        public Builder lora(Path path, float scale) {
            loras.add(new Lora(path, scale));
            return this;
        }

        /** @param v system message for chat prompts, or null @return this */
        public Builder systemPrompt(String v) {
            systemPrompt = v;
            return this;
        }

        /** @param v Jinja chat template replacing the model's, or null @return this */
        public Builder chatTemplate(String v) {
            chatTemplate = v;
            return this;
        }

        /** @param v route llama.cpp logs to SLF4J (true) or drop them @return this */
        public Builder nativeLog(boolean v) {
            nativeLog = v;
            return this;
        }

        /** @return the settings */
        public LlamaSettings build() {
            return new LlamaSettings(model, contextSize, threads, batchThreads < 0 ? threads : batchThreads, gpuLayers,
                    seed, loras, systemPrompt, chatTemplate, nativeLog);
        }
    }
}
