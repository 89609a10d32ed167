package dev.s2s.cli.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.s2s.api.AudioClip;
import dev.s2s.api.PipelineEvent;
import dev.s2s.api.PipelineListener;
import dev.s2s.api.PipelineMethod;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.Reply;
import dev.s2s.api.SpeechPipeline;
import dev.s2s.cli.ExitCodes;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code s2s bench}: repeated pipeline runs with percentiles. Not API. Not thread-safe: one invocation per instance. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the pipeline N times (streaming, as a live turn would) on a clip or a text and print "
                + "p50 and p95 per stage, time to first audio, total, and the real-time factor "
                + "(processing time / reply audio duration; below 1 is faster than real time).",
            "Warm-up runs are not counted. --json writes the same numbers as JSON."})
public final class BenchCommand extends BaseCommand {

    @ArgGroup(multiplicity = "1")
    RunCommand.Input input;

    @Option(names = {"-n", "--runs"}, paramLabel = "N", defaultValue = "5", description = "Measured runs "
            + "(default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1", description = "Unmeasured runs first "
            + "(default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--method", paramLabel = "text|tokens", converter = RunCommand.MethodConverter.class,
            description = "Pipeline method (default: the configuration's).")
    PipelineMethod method;

    @Option(names = "--config", paramLabel = "JSON", description = "Pipeline configuration.")
    Path config;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Longest answer in tokens.")
    Integer maxTokens;

    @Option(names = "--json", paramLabel = "FILE", arity = "0..1", fallbackValue = "-",
            description = "Also write the results as JSON to FILE (or stdout with no FILE).")
    String json;

    /** Used by picocli. */
    public BenchCommand() {
    }

    @Override
    int execute() {
        if (runs < 1 || warmup < 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--runs must be at least 1 and --warmup at least 0");
        }
        AudioClip clip = input.in == null ? null : readWav(input.in);
        ProviderConfig cfg = resolved(RunCommand.pipelineConfig(config, method, maxTokens, input));
        BenchStats stats = new BenchStats();
        try (SpeechPipeline p = SpeechPipeline.fromConfig(cfg)) {
            try (Terminal.Steps steps = term.steps("bench", warmup + runs)) {
                for (int i = 0; i < warmup + runs; i++) {
                    AtomicReference<Duration> first = new AtomicReference<>();
                    PipelineListener l = e -> {
                        if (e instanceof PipelineEvent.AudioChunk c && c.index() == 0) {
                            first.compareAndSet(null, c.at());
                        }
                    };
                    Reply r = input.text != null ? p.streamText(input.text, l) : p.stream(clip, l);
                    if (r.noSpeech()) {
                        term.err().println("no speech heard in " + input.in + "; nothing to benchmark");
                        return ExitCodes.NO_SPEECH;
                    }
                    if (i >= warmup) {
                        stats.add(r, first.get());
                    }
                    steps.step();
                }
            }
        }
        print(stats);
        if (json != null) {
            writeJson(stats);
        }
        return ExitCodes.OK;
    }

    private void print(BenchStats stats) {
        term.out().printf(Locale.ROOT, "%d runs (after %d warm-up)%n", stats.runs(), warmup);
        term.out().printf(Locale.ROOT, "%-14s %12s %12s%n", "", "p50", "p95");
        for (Map.Entry<String, double[]> e : stats.summary().entrySet()) {
            String unit = e.getKey().equals("rtf") ? "" : e.getKey().equals("audio_seconds") ? " s" : " ms";
            String fmt = e.getKey().equals("rtf") ? "%.3f" : e.getKey().equals("audio_seconds") ? "%.2f" : "%.1f";
            term.out().printf(Locale.ROOT, "%-14s %12s %12s%n", e.getKey(),
                    String.format(Locale.ROOT, fmt, e.getValue()[0]) + unit,
                    String.format(Locale.ROOT, fmt, e.getValue()[1]) + unit);
        }
    }

    private void writeJson(BenchStats stats) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("runs", stats.runs());
        root.put("warmup", warmup);
        root.put("input", input.text != null ? "text" : input.in.toString());
        ObjectNode metrics = root.putObject("metrics");
        for (Map.Entry<String, double[]> e : stats.summary().entrySet()) {
            ObjectNode o = metrics.putObject(e.getKey());
            putNumber(o, "p50", e.getValue()[0]);
            putNumber(o, "p95", e.getValue()[1]);
        }
        root.put("units", "milliseconds, except rtf (ratio) and audio_seconds (seconds)");
        try {
            String text = m.writeValueAsString(root);
            if (json.equals("-")) {
                term.out().println(text);
            } else {
                Files.writeString(Path.of(json), text + System.lineSeparator());
                term.err().println("wrote " + json);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + json + ": " + e.getMessage(), e);
        }
    }

    private static void putNumber(ObjectNode o, String k, double v) {
        if (Double.isNaN(v)) {
            o.putNull(k);
        } else {
            o.put(k, Math.round(v * 1000) / 1000.0);
        }
    }
}
