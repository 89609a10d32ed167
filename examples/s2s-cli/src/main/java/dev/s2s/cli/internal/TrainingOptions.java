package dev.s2s.cli.internal;

import java.nio.file.Path;
import java.util.List;

import dev.s2s.api.ConfigException;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.train.Dataset;
import dev.s2s.train.DatasetEntry;
import picocli.CommandLine.Option;

/**
 * Options the projector commands share: the language model (whose tokenizer and frozen token
 * matrix the projector targets) and the sentence-level held-out split. Not API. Not thread-safe.
 */
public final class TrainingOptions {

    @Option(names = "--config", paramLabel = "JSON", description = "Pipeline configuration whose 'llm' section "
            + "is the language model (default: the built-in pipeline).")
    Path config;

    @Option(names = "--llm-model", paramLabel = "MODEL", description = "The language model file or store name "
            + "(overrides llm.model), e.g. stories260K.gguf.")
    String llmModel;

    @Option(names = "--heldout", paramLabel = "N", defaultValue = "120", description = "Held-out sentences: unseen "
            + "text, all voices (default ${DEFAULT-VALUE}).")
    int heldOut;

    @Option(names = "--split-seed", paramLabel = "SEED", defaultValue = "7", description = "Seed of the held-out "
            + "split; use the same value for training and evaluation (default ${DEFAULT-VALUE}).")
    long splitSeed;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "24", description = "Tokens the language "
            + "model generates after each decoded example (default ${DEFAULT-VALUE}).")
    int maxTokens;

    /** Used by picocli. */
    public TrainingOptions() {
    }

    /** The pipeline configuration with {@code --llm-model} applied (models not yet resolved). */
    ProviderConfig config() {
        ProviderConfig cfg = Common.loadConfig(config);
        if (llmModel != null) {
            cfg = Common.set(cfg, "llm", "model", ModelArg.value(llmModel));
        }
        return cfg;
    }

    /** Opens the language model of a resolved configuration. */
    static LanguageModel openLlm(ProviderConfig resolved) {
        ProviderConfig l = resolved.child("llm");
        if (!l.has("provider")) {
            throw new ConfigException("the configuration has no 'llm' section with a \"provider\"");
        }
        return S2s.languageModel(l.provider(), l);
    }

    /** The options of the example continuations. */
    GenerationOptions generation() {
        return GenerationOptions.builder().maxTokens(maxTokens).build();
    }

    /** {@code [train, heldOut]} by sentence. */
    List<List<DatasetEntry>> split(Dataset ds) {
        if (heldOut < 0) {
            throw new ConfigException("--heldout must be at least 0, got " + heldOut);
        }
        return ds.splitBySentence(heldOut, splitSeed);
    }
}
