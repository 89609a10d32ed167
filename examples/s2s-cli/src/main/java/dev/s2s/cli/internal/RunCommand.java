package dev.s2s.cli.internal;

import java.nio.file.Path;
import java.util.Locale;

import dev.s2s.api.AudioClip;
import dev.s2s.api.PipelineEvent;
import dev.s2s.api.PipelineMethod;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.Reply;
import dev.s2s.api.SpeechPipeline;
import dev.s2s.api.StageTiming;
import dev.s2s.cli.ExitCodes;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code s2s run}: the whole pipeline, audio (or text) in, audio out. Not API. Not thread-safe: one invocation per instance. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Speech in, speech out: recognize the question, answer it with the language model and "
                + "speak the answer. Prints what it heard, the answer as it is written, and a timing per stage.",
            "Without --config it uses the built-in pipeline (Whisper base.en, Qwen2.5 0.5B Instruct, MaryTTS); "
                + "missing models are downloaded first."})
public final class RunCommand extends BaseCommand {

    /** Audio or text in: shared with {@code s2s bench}. */
    static final class Input {
        @Option(names = "--in", paramLabel = "WAV", required = true, description = "The question, a WAV file.")
        Path in;
        @Option(names = "--text", paramLabel = "TEXT", required = true,
                description = "The question as text (skips recognition).")
        String text;
    }

    @ArgGroup(multiplicity = "1")
    Input input;

    @Option(names = "--out", paramLabel = "WAV", defaultValue = "reply.wav", description = "Where to write the "
            + "spoken reply (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--method", paramLabel = "text|tokens", converter = MethodConverter.class,
            description = "text (recognizer -> LLM -> TTS) or tokens (encoder -> projector -> snapper -> LLM -> "
                    + "TTS); default: the configuration's.")
    PipelineMethod method;

    @Option(names = "--config", paramLabel = "JSON", description = "Pipeline configuration (see examples/pipeline.json).")
    Path config;

    @Option(names = "--system", paramLabel = "TEXT", description = "System prompt for the language model.")
    String system;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Longest answer in tokens.")
    Integer maxTokens;

    @Option(names = "--voice", paramLabel = "NAME", description = "Synthesizer voice.")
    String voice;

    /** Used by picocli. */
    public RunCommand() {
    }

    @Override
    int execute() {
        AudioClip question = input.in == null ? null : readWav(input.in);
        ProviderConfig cfg = pipelineConfig(config, method, maxTokens, input);
        cfg = Common.set(cfg, "llm", "system", system);
        cfg = Common.set(cfg, "synthesizer", "voice", voice);
        cfg = resolved(cfg);
        try (SpeechPipeline p = SpeechPipeline.fromConfig(cfg)) {
            boolean[] answering = {false};
            Reply r = input.text != null ? p.streamText(input.text, e -> show(e, answering))
                    : p.stream(question, e -> show(e, answering));
            if (answering[0]) {
                term.out().println();
            }
            if (r.noSpeech()) {
                term.err().println("no speech heard in " + input.in + ": nothing to answer (no reply written)");
                return ExitCodes.NO_SPEECH;
            }
            writeWav(r.audio(), out);
            term.out().printf(Locale.ROOT, "reply: %s (%.2f s of audio)%n", out, r.audio().seconds());
            printTimings(r);
            return ExitCodes.OK;
        }
    }

    /** The pipeline configuration with the command-line overrides shared by run and bench. */
    static ProviderConfig pipelineConfig(Path config, PipelineMethod method, Integer maxTokens, Input input) {
        ProviderConfig cfg = Common.loadConfig(config);
        if (method != null) {
            cfg = cfg.with("method", method.name().toLowerCase(Locale.ROOT));
        }
        cfg = Common.set(cfg, "llm", "maxTokens", maxTokens);
        if (input.text != null) {
            // Text input skips recognition: the recognizer's model need not be fetched.
            cfg = cfg.with("recognizer", java.util.Map.of());
        }
        return cfg;
    }

    private void show(PipelineEvent e, boolean[] answering) {
        switch (e) {
            case PipelineEvent.Recognized r -> term.out().println("heard: " + r.transcript().text().strip());
            case PipelineEvent.Snapped s -> term.out().println("heard (snapped tokens): " + s.text().strip());
            case PipelineEvent.Token t -> {
                if (!answering[0]) {
                    term.out().print("answer: ");
                    answering[0] = true;
                }
                term.out().print(t.piece());
                term.out().flush();
            }
            default -> {
            }
        }
    }

    void printTimings(Reply r) {
        term.out().println("timings:");
        for (StageTiming t : r.timings()) {
            term.out().printf(Locale.ROOT, "  %-11s %10s%n", t.stage().name().toLowerCase(Locale.ROOT), Terminal.ms(t.time()));
        }
        term.out().printf(Locale.ROOT, "  %-11s %10s%n", "total", Terminal.ms(r.total()));
    }

    /** Case-insensitive method names. */
    static final class MethodConverter implements picocli.CommandLine.ITypeConverter<PipelineMethod> {
        @Override
        public PipelineMethod convert(String value) {
            try {
                return PipelineMethod.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("expected text or tokens, got '" + value + "'");
            }
        }
    }
}
