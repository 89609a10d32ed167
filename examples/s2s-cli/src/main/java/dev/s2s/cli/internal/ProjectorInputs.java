package dev.s2s.cli.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import dev.s2s.api.ConfigException;
import dev.s2s.api.LanguageModel;
import dev.s2s.train.Dataset;
import dev.s2s.train.DatasetEntry;
import dev.s2s.train.Evaluation;
import dev.s2s.train.ProjectorExperiment;
import picocli.CommandLine.Option;

/**
 * The inputs of the commands that run an exported projector over a dataset (eval-projector,
 * dataset export-sft), and that run itself. Not API. Not thread-safe.
 */
public final class ProjectorInputs {

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "Dataset folder.")
    Path data;

    @Option(names = "--projector", paramLabel = "JSON", required = true, description = "The exported projector "
            + "configuration (NAME.json of train-projector).")
    Path projector;

    /** Used by picocli. */
    public ProjectorInputs() {
    }

    /** What to do with the scores while the language model is open. */
    @FunctionalInterface
    interface Use {
        /** @return the exit code */
        int apply(Evaluation.Result scores, LanguageModel llm) throws IOException;
    }

    /**
     * Scores the {@code select}ed entries of the dataset through the runtime path ("mlp" projector
     * + "vector" snapper) with the language model of {@code training}, then hands the scores on.
     */
    int score(Common common, TrainingOptions training, Function<Dataset, List<DatasetEntry>> select, Use use)
            throws IOException {
        if (!Files.isRegularFile(projector)) {
            throw new ConfigException("--projector " + projector + ": no such file");
        }
        Dataset ds = Dataset.open(data);
        List<DatasetEntry> entries = select.apply(ds);
        if (entries.isEmpty()) {
            throw new ConfigException("nothing to score: no utterances selected (see --heldout)");
        }
        try (LanguageModel llm = TrainingOptions.openLlm(common.resolveModels(training.config(), "llm"))) {
            return use.apply(ProjectorExperiment.evaluate(ds, entries, projector, llm), llm);
        }
    }
}
