package dev.s2s.cli.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.s2s.api.CancellationToken;
import dev.s2s.api.ChatMessage;
import dev.s2s.api.ConfigException;
import dev.s2s.api.Generation;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.Prompt;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code s2s generate}: text in, text out, streamed. Not API. Not thread-safe: one invocation per instance. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Text generation with the configuration's language model (default: Qwen2.5 0.5B Instruct), "
                + "streamed as it is written.",
            "A chat model gets a chat prompt (with --system); --raw sends the text as a plain continuation prompt."})
public final class GenerateCommand extends BaseCommand {

    @Parameters(paramLabel = "PROMPT", arity = "1..*", description = "The prompt.")
    List<String> prompt;

    @Option(names = "--model", paramLabel = "NAME|FILE", description = "A store name such as "
            + "llm:qwen2.5-0.5b-instruct-q4_k_m, or a GGUF file.")
    String model;

    @Option(names = "--system", paramLabel = "TEXT", description = "System prompt (chat).")
    String system;

    @Option(names = "--raw", description = "Plain-text continuation instead of a chat prompt.")
    boolean raw;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Longest reply in tokens (default ${DEFAULT-VALUE}).",
            defaultValue = "128")
    int maxTokens;

    @Option(names = "--temperature", paramLabel = "T", description = "0 for greedy (default ${DEFAULT-VALUE}).",
            defaultValue = "0")
    float temperature;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Sampling seed.")
    long seed;

    @Option(names = "--config", paramLabel = "JSON", description = "Take the llm section from this configuration.")
    Path config;

    /** Used by picocli. */
    public GenerateCommand() {
    }

    @Override
    int execute() {
        ProviderConfig cfg = Common.set(Common.loadConfig(config), "llm", "model", model);
        ProviderConfig llmCfg = resolved(cfg, "llm").child("llm");
        if (!llmCfg.has("provider")) {
            throw new ConfigException("the configuration has no llm section with a \"provider\"");
        }
        String text = String.join(" ", prompt);
        String sys = system != null ? system : llmCfg.string("system");
        GenerationOptions opts = GenerationOptions.builder().maxTokens(maxTokens).temperature(temperature).seed(seed)
                .build();
        try (LanguageModel llm = S2s.languageModel(llmCfg.provider(), llmCfg)) {
            Prompt p;
            if (!raw && llm.supportedPrompts().contains(Prompt.Kind.CHAT)) {
                p = sys == null ? Prompt.chat(ChatMessage.user(text))
                        : Prompt.chat(ChatMessage.system(sys), ChatMessage.user(text));
            } else {
                p = Prompt.text(text);
            }
            Generation g = llm.generate(p, opts, (id, piece) -> {
                term.out().print(piece);
                term.out().flush();
            }, CancellationToken.none());
            term.out().println();
            term.err().printf(Locale.ROOT, "%d tokens, %s, first token after %s, %.1f tokens/s%n", g.tokens().length,
                    g.stopReason().name().toLowerCase(Locale.ROOT), Terminal.ms(g.timeToFirstToken()), g.tokensPerSecond());
            return ExitCodes.OK;
        }
    }
}
