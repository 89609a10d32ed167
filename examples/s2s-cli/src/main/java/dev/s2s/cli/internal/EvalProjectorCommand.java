package dev.s2s.cli.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.s2s.cli.ExitCodes;
import dev.s2s.train.Evaluation;
import dev.s2s.train.ProjectorExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code s2s eval-projector}: scores an exported projector on a dataset's held-out sentences
 * through the runtime path ("mlp" projector + "vector" snapper). Not API. Not thread-safe: one
 * invocation per instance.
 */
@Command(name = "eval-projector", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scores an exported projector on held-out sentences (unseen text) through the runtime path: "
                + "the \"mlp\" projector and the \"vector\" snapper over the LLM's token matrix. Prints the token "
                + "error rate (TER = edit distance / reference tokens), the exact-match rate, TER per voice, and a "
                + "few decoded examples with the LLM's continuation.",
            "Use the --heldout and --split-seed of the training run (or --all)."})
public final class EvalProjectorCommand extends BaseCommand {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Mixin
    TrainingOptions training;

    @Mixin
    ProjectorInputs inputs;

    @Option(names = "--all", description = "Score every utterance of the dataset, not only the held-out ones.")
    boolean all;

    @Option(names = "--examples", paramLabel = "N", defaultValue = "3", description = "Decoded examples to "
            + "continue with the LLM (default ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the scores and examples as JSON.")
    Path json;

    /** Used by picocli. */
    public EvalProjectorCommand() {
    }

    @Override
    int execute() throws IOException {
        return inputs.score(common, training, ds -> all ? ds.entries() : training.split(ds).get(1), (r, llm) -> {
            List<Evaluation.Example> ex = examples > 0
                    ? Evaluation.examples(r, llm, examples, training.generation()) : List.of();
            term.out().printf(Locale.ROOT, "%d utterances, %d reference tokens%n", r.utterances(),
                    r.referenceTokens());
            term.out().printf(Locale.ROOT, "TER %.3f, exact match %.1f%%%n", r.ter(), 100 * r.exactMatch());
            term.out().println("per voice: " + perVoice(r));
            printExamples(term, ex);
            if (json != null) {
                Path parent = json.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                JSON.writeValue(json.toFile(), ProjectorExperiment.toJson(r, ex));
            }
            return ExitCodes.OK;
        });
    }

    /** Per-voice TER, sorted by voice. */
    static String perVoice(Evaluation.Result r) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Double> e : new TreeMap<>(r.perVoiceTer()).entrySet()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(e.getKey())
                    .append(String.format(Locale.ROOT, " %.3f", e.getValue()));
        }
        return sb.toString();
    }

    /** Prints reference, decoded text and the LLM's continuation of each example. */
    static void printExamples(Terminal term, List<Evaluation.Example> examples) {
        for (Evaluation.Example e : examples) {
            term.out().printf("  ref: %s%n  got: %s%n  llm: %s%n", e.reference(), e.decoded(),
                    e.continuation().replace("\n", "\\n"));
        }
    }
}
