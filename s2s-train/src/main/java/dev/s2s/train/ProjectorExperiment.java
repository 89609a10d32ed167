package dev.s2s.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.Metric;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.api.SnapOptions;
import dev.s2s.api.TokenSnapper;

/**
 * The two entry points a command line needs: {@link #train} (split a {@link Dataset} by sentence,
 * train, export, write the report and plot, and score the held-out set) and {@link #evaluate}
 * (score an exported projector on a dataset through the runtime path: the projector and snapper
 * providers found through the SPI). Stateless and thread-safe.
 */
public final class ProjectorExperiment {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ProjectorExperiment() {
    }

    /**
     * What a training run produced.
     *
     * @param training    the training run
     * @param heldOut     held-out scores (TER, exact match, per voice)
     * @param examples    decoded held-out examples fed to the LLM
     * @param exported    the exported projector files
     * @param reportJson  the JSON report
     * @param plot        the PNG training curve
     * @param trainCount  training utterances
     */
    public record Report(TrainingResult training, Evaluation.Result heldOut, List<Evaluation.Example> examples,
            ProjectorExport.Written exported, Path reportJson, Path plot, int trainCount) {
    }

    /**
     * Trains on {@code dataset} minus {@code heldOutSentences} sentences (unseen text, all voices),
     * exports to {@code outDir/name.{json,safetensors}}, and writes {@code name-report.json} and
     * {@code name-curve.png}.
     *
     * @param llm      the language model whose frozen token matrix is the target; it also
     *                 continues {@code examples} decoded held-out sentences
     * @throws UncheckedIOException when the output cannot be written
     */
    public static Report train(Dataset dataset, int heldOutSentences, long splitSeed, ProjectorTrainer trainer,
            LanguageModel llm, Path outDir, String name, int examples, GenerationOptions generation) {
        List<List<DatasetEntry>> split = dataset.splitBySentence(heldOutSentences, splitSeed);
        return train(dataset, split.get(0), split.get(1), trainer, llm, outDir, name, examples, generation);
    }

    /** As {@link #train(Dataset, int, long, ProjectorTrainer, LanguageModel, Path, String, int, GenerationOptions)} with an explicit split. */
    public static Report train(Dataset dataset, List<DatasetEntry> trainEntries, List<DatasetEntry> heldOutEntries,
            ProjectorTrainer trainer, LanguageModel llm, Path outDir, String name, int examples,
            GenerationOptions generation) {
        List<Utterance> train = dataset.load(trainEntries);
        List<Utterance> held = dataset.load(heldOutEntries);
        TrainingResult r = trainer.train(train, held, llm.tokenEmbeddings());
        Evaluation.Result ev = Evaluation.evaluate(r.projector(), held);
        List<Evaluation.Example> ex = examples > 0 ? Evaluation.examples(ev, llm, examples, generation) : List.of();
        try {
            ProjectorExport.Written w = ProjectorExport.write(r.projector(), outDir, name);
            Path json = outDir.resolve(name + "-report.json");
            ObjectNode report = TrainingReport.toJson(r);
            report.put("trainUtterances", train.size());
            report.set("settings", JSON.valueToTree(trainer.settings()));
            report.set("heldOut", toJson(ev, ex));
            JSON.writeValue(json.toFile(), report);
            Path png = outDir.resolve(name + "-curve.png");
            TrainingReport.writePlot(r.history(), String.format(Locale.ROOT, "%s: held-out TER %.3f, exact %.1f%%",
                    name, ev.ter(), 100 * ev.exactMatch()), png);
            return new Report(r, ev, ex, w, json, png, train.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training output to " + outDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Scores an exported projector on {@code entries} of {@code dataset} through the runtime path:
     * {@code S2s.projector("mlp", config)} and the {@code "vector"} snapper over the LLM's token
     * matrix, with the metric recorded in the configuration's {@code "snap"} section, the
     * projector's blank, and repeat collapsing.
     */
    public static Evaluation.Result evaluate(Dataset dataset, List<DatasetEntry> entries, Path projectorConfig,
            LanguageModel llm) {
        ProviderConfig cfg = ProviderConfig.read(projectorConfig);
        String metric = cfg.child("snap").string("metric", "cosine");
        Metric m = metric.equalsIgnoreCase("inner_product") ? Metric.INNER_PRODUCT : Metric.valueOf(
                metric.toUpperCase(Locale.ROOT));
        try (EmbeddingProjector p = S2s.projector(cfg.string("provider", "mlp"), cfg);
                TokenSnapper s = S2s.snapper("vector", llm.tokenEmbeddings(), ProviderConfig.empty())) {
            if (p.outputDim() != llm.tokenEmbeddings().dim()) {
                throw new IllegalArgumentException("the projector outputs " + p.outputDim()
                        + "-wide vectors but the language model's embeddings are " + llm.tokenEmbeddings().dim()
                        + " wide");
            }
            SnapOptions.Builder o = SnapOptions.builder().metric(m).collapseRepeats(cfg.child("snap")
                    .bool("collapseRepeats", true));
            p.blank().ifPresent(o::blank);
            return Evaluation.evaluate(dataset.load(entries), Evaluation.runtimeDecoder(p, s, o.build()));
        }
    }

    /** Scores and examples as JSON. */
    public static ObjectNode toJson(Evaluation.Result ev, List<Evaluation.Example> examples) {
        ObjectNode n = JSON.createObjectNode();
        n.put("utterances", ev.utterances());
        n.put("ter", ev.ter());
        n.put("exactMatch", ev.exactMatch());
        ObjectNode pv = n.putObject("perVoiceTer");
        ev.perVoiceTer().forEach(pv::put);
        ArrayNode ex = n.putArray("examples");
        for (Evaluation.Example e : examples) {
            ex.addObject().put("id", e.id()).put("reference", e.reference()).put("decoded", e.decoded())
                    .put("continuation", e.continuation()).put("errors", e.errors());
        }
        return n;
    }
}
