package dev.s2s.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.s2s.api.AudioEncoder;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;

/**
 * Runs the recipes end to end on this machine, through the SPI only: sentences sampled
 * from stories260K, spoken by MaryTTS (and any other {@code synth:voice} given), features by
 * "whisper-mel" (log-mel, pairs averaged to 20 ms) or "whisper-encoder", then training and
 * held-out scoring. Needs the llama, whisper and marytts provider jars on the class path (the
 * lead's CLI wires the same steps as {@code s2s train-projector}).
 *
 * <pre>
 * java ... dev.s2s.train.RecipeRunner --recipe A1 --out /tmp/a1 --sentences 800 --heldout 120 \
 *     --train-sentences 680 --minutes 3 [--voices marytts:cmu-slt-hsmm,...] [--encoder whisper-mel]
 *     [--train-voices marytts:cmu-slt-hsmm,espeak:en-us]   (train on these; the held-out set keeps every voice)
 * </pre>
 */
public final class RecipeRunner {

    private RecipeRunner() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String recipe = a.getOrDefault("recipe", "A1").toUpperCase(Locale.ROOT);
        Path out = Path.of(a.getOrDefault("out", "/tmp/s2s-" + recipe.toLowerCase(Locale.ROOT)));
        int sentences = Integer.parseInt(a.getOrDefault("sentences", "800"));
        int heldOut = Integer.parseInt(a.getOrDefault("heldout", "120"));
        int trainSentences = Integer.parseInt(a.getOrDefault("train-sentences", "100000"));
        double minutes = Double.parseDouble(a.getOrDefault("minutes", "3"));
        int epochs = Integer.parseInt(a.getOrDefault("epochs", "1000"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "1"));
        int dataThreads = Integer.parseInt(a.getOrDefault("data-threads", "2"));
        String encoderName = a.getOrDefault("encoder", recipe.equals("A3") ? "whisper-encoder" : "whisper-mel");
        Path shared = Path.of(a.getOrDefault("shared", "/work/shared"));
        String voicesArg = a.getOrDefault("voices", "marytts:cmu-slt-hsmm");
        String data = a.getOrDefault("data", out.resolve("data-" + encoderName).toString());

        try (LanguageModel llm = S2s.languageModel("llama", ProviderConfig.of(Map.of("model",
                shared.resolve("models/stories260K.gguf").toString(), "threads", 1)))) {
            Path dataDir = Path.of(data);
            List<String> text;
            Path sf = dataDir.resolve("sentences.txt");
            long t0 = System.nanoTime();
            if (Files.exists(sf)) {
                text = Files.readAllLines(sf);
            } else {
                text = Sentences.sample(llm, "Once upon a time", sentences, 1.0f, 1000, 160, 3, 16, 20 * sentences);
            }
            System.out.printf(Locale.ROOT, "%d sentences (%.1f s)%n", text.size(), (System.nanoTime() - t0) * 1e-9);

            if (!Boolean.parseBoolean(a.getOrDefault("skip-build", "false"))) {
                buildDataset(a, encoderName, shared, voicesArg, dataThreads, dataDir, text, llm);
            }
            Dataset ds = Dataset.open(dataDir);
            List<List<DatasetEntry>> split = ds.splitBySentence(heldOut, 7);
            List<DatasetEntry> train = Dataset.firstSentences(split.get(0), trainSentences);
            if (a.containsKey("train-voices")) {
                train = ds.ofVoices(train, List.of(a.get("train-voices").split(",")));
            }
            ProjectorTrainer.Builder tb = ProjectorTrainer.recipe(recipe);
            if (a.containsKey("lr")) {
                tb.learningRate(Double.parseDouble(a.get("lr")));
            }
            if (a.containsKey("warp")) {
                tb.frequencyWarp(FrequencyWarp.whisperMel(Double.parseDouble(a.get("warp"))));
            }
            if (a.containsKey("batch")) {
                tb.batchSize(Integer.parseInt(a.get("batch")));
            }
            tb.epochs(epochs).maxTime(Duration.ofMillis((long) (minutes * 60_000))).threads(threads)
                    .evalEvery(Integer.parseInt(a.getOrDefault("eval-every", "1")))
                    .listener(s -> System.out.printf(Locale.ROOT,
                            "epoch %3d  loss %.3f  held-out TER %.3f  exact %.3f  lr %.2e  %.0f s  %.1f GFLOP/s%n",
                            s.epoch(), s.trainLoss(), s.heldOutTer(), s.heldOutExact(), s.learningRate(),
                            s.elapsedSeconds(), s.gflops()));
            System.out.printf(Locale.ROOT, "train: %d utterances, held-out: %d utterances%n",
                    train.size(), split.get(1).size());
            ProjectorExperiment.Report r = ProjectorExperiment.train(ds, train, split.get(1), tb.build(), llm, out,
                    recipe.toLowerCase(Locale.ROOT), 3, GenerationOptions.builder().maxTokens(24).build());
            TrainingResult tr = r.training();
            System.out.printf(Locale.ROOT,
                    "%s: held-out TER %.3f, exact match %.1f%%, per voice %s%n"
                            + "training %.1f s (wall %.1f s), %d steps, %.1f GFLOP, %.1f GFLOP/s, %d skipped (CTC-infeasible)%n",
                    recipe, r.heldOut().ter(), 100 * r.heldOut().exactMatch(), r.heldOut().perVoiceTer(),
                    tr.trainSeconds(), tr.wallSeconds(), tr.steps(), tr.totalFlops() / 1e9, tr.gflops(),
                    tr.skippedInfeasible());
            for (Evaluation.Example e : r.examples()) {
                System.out.printf("  ref: %s%n  got: %s%n  llm: %s%n", e.reference(), e.decoded(), e.continuation());
            }
            // the runtime path decodes the same
            Evaluation.Result rt = ProjectorExperiment.evaluate(ds, split.get(1), r.exported().config(), llm);
            System.out.printf(Locale.ROOT, "runtime path (mlp + vector snapper): TER %.3f, exact %.1f%%%n", rt.ter(),
                    100 * rt.exactMatch());
            if (a.containsKey("own-vocab")) {
                OwnVocabularyExperiment.Result ov = OwnVocabularyExperiment.run(
                        tb.stack(Integer.parseInt(a.get("own-vocab"))).listener(TrainingListener.NONE).build(),
                        ds.load(train), ds.load(split.get(1)), llm, 2,
                        GenerationOptions.builder().maxTokens(24).build());
                System.out.printf(Locale.ROOT,
                        "own vocabulary (%d symbols): own-id error rate %.3f; handed to the LLM as its ids: TER %.3f%n",
                        ov.alphabet().length(), ov.ownVocabulary().ter(), ov.asLlmIds().ter());
                for (Evaluation.Example e : ov.examples()) {
                    System.out.printf("  ref: %s%n  got: %s%n  llm: %s%n", e.reference(), e.decoded(), e.continuation());
                }
            }
        }
    }
    private static void buildDataset(Map<String, String> a, String encoderName, Path shared, String voicesArg,
            int dataThreads, Path dataDir, List<String> text, LanguageModel llm) throws Exception {
        ProviderConfig encCfg = encoderName.equals("whisper-mel")
                ? ProviderConfig.of(Map.of("model", shared.resolve("models/for-tests-ggml-tiny.bin").toString(),
                        "pairAverage", true))
                : ProviderConfig.of(Map.of("model", a.getOrDefault("encoder-model",
                        shared.resolve("models/for-tests-ggml-tiny.bin").toString())));
        try (AudioEncoder enc = S2s.audioEncoder(encoderName, encCfg);
                Voices voices = Voices.open(List.of(voicesArg.split(",")))) {
            DatasetBuilder.Builder db = DatasetBuilder.builder().outputDir(dataDir).sentences(text)
                    .languageModel(llm).encoder(enc).threads(dataThreads)
                    .keepAudio(Boolean.parseBoolean(a.getOrDefault("keep-audio", "false")))
                    .listener((d, t, id) -> {
                        if (d % 50 == 0 || d == t) {
                            System.out.printf(Locale.ROOT, "  dataset %d/%d%n", d, t);
                        }
                    });
            DatasetBuilder.Summary sum = voices.addTo(db).build().run();
            System.out.println("dataset: " + sum);
        }
    }
}
