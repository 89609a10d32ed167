package dev.s2s.cli.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.s2s.api.AudioEncoder;
import dev.s2s.api.ConfigException;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.cli.ExitCodes;
import dev.s2s.train.Dataset;
import dev.s2s.train.DatasetBuilder;
import dev.s2s.train.DatasetEntry;
import dev.s2s.train.Evaluation;
import dev.s2s.train.FrequencyWarp;
import dev.s2s.train.ProjectorExperiment;
import dev.s2s.train.ProjectorTrainer;
import dev.s2s.train.Sentences;
import dev.s2s.train.TrainingResult;
import dev.s2s.train.Voices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code s2s train-projector}: builds (or reuses) a speech dataset and trains the audio-to-token
 * projector with s2s-train. Not API. Not thread-safe: one invocation per instance.
 */
@Command(name = "train-projector", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains the audio-to-token projector in Java: sentences (from a file, or sampled from the "
                + "language model) -> the LLM's token ids -> speech by each --voice -> 16 kHz -> --encoder features "
                + "-> a dataset folder (resumable); then CTC training against the LLM's frozen token matrix with "
                + "recipe A1, A2 or A3. Writes NAME.json + NAME.safetensors (load with the \"mlp\" projector), "
                + "NAME-report.json and NAME-curve.png into --out, and prints loss and held-out TER per epoch.",
            "Example: s2s train-projector --llm-model stories260K.gguf --encoder-model ggml-tiny.bin --sample 800 "
                + "--data data/mel --recipe A1 --minutes 3 --out out/a1"})
public final class TrainProjectorCommand extends BaseCommand {

    @Mixin
    TrainingOptions training;

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "Dataset folder: built, resumed "
            + "or (with --reuse) used as is.")
    Path data;

    @Option(names = "--reuse", description = "Train on the dataset in --data as it is; build nothing.")
    boolean reuse;

    @Option(names = "--sentences", paramLabel = "FILE", description = "Sentences from a text file (split at . ! ? "
            + "and de-duplicated). Default: the dataset's sentences.txt, else sampled from the LLM.")
    Path sentences;

    @Option(names = "--sample", paramLabel = "N", defaultValue = "800", description = "Sentences to sample from the "
            + "LLM when there is no sentence file (default ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--prompt", defaultValue = "Once upon a time", description = "Prompt of the sampled "
            + "generations (default: ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature (default "
            + "${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--sample-seed", paramLabel = "SEED", defaultValue = "1000", description = "First seed of the "
            + "sampled generations (default ${DEFAULT-VALUE}).")
    long sampleSeed;

    @Option(names = "--voice", paramLabel = "SYNTH[:VOICE]", split = ",", description = "A voice speaking every "
            + "sentence (repeatable, or comma-separated), e.g. marytts:cmu-slt-hsmm, espeak:en-us with the espeak "
            + "--plugin (default: marytts:cmu-slt-hsmm).")
    List<String> voices = new ArrayList<>();

    @Option(names = "--encoder", paramLabel = "PROVIDER", defaultValue = "whisper-mel", description = "Audio "
            + "encoder provider: whisper-mel (80-d log-mel, pairs averaged to 20 ms) or whisper-encoder (default "
            + "${DEFAULT-VALUE}).")
    String encoder;

    @Option(names = "--encoder-model", paramLabel = "MODEL", defaultValue = "whisper:base.en", description = "The "
            + "encoder's model file or store name; whisper-mel reads only its mel filters (default "
            + "${DEFAULT-VALUE}).")
    String encoderModel;

    @Option(names = "--encoder-option", paramLabel = "KEY=VALUE", description = "Another encoder setting "
            + "(repeatable); whisper-mel gets pairAverage=true unless set.")
    Map<String, String> encoderOptions = new LinkedHashMap<>();

    @Option(names = "--data-threads", paramLabel = "N", defaultValue = "2", description = "Parallel dataset "
            + "workers (default ${DEFAULT-VALUE}).")
    int dataThreads;

    @Option(names = "--keep-audio", description = "Also keep each clip as a WAV file in the dataset.")
    boolean keepAudio;

    @Option(names = "--recipe", paramLabel = "A1|A2|A3", defaultValue = "A1", description = "Training recipe "
            + "(default ${DEFAULT-VALUE}): A1 k=4, hidden 256; A2 k=4, +-2 context, hidden 512, dropout, "
            + "SpecAugment; A3 for Whisper encoder states.")
    String recipe;

    @Option(names = "--minutes", paramLabel = "M", defaultValue = "3", description = "Training time limit "
            + "(default ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "1000", description = "Epoch limit (default "
            + "${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42", description = "Training seed (default "
            + "${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "Training threads (default "
            + "${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--train-sentences", paramLabel = "N", description = "Train on the first N training "
            + "sentences only (default: all).")
    Integer trainSentences;

    @Option(names = "--train-voice", paramLabel = "SYNTH[:VOICE]", split = ",", description = "Train on these "
            + "voices of the dataset only (repeatable or comma-separated); the held-out sentences are scored in "
            + "every voice, so a voice left out here is an unseen voice (default: all voices).")
    List<String> trainVoices = new ArrayList<>();

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: the recipe's).")
    Double learningRate;

    @Option(names = "--batch", paramLabel = "N", description = "Batch size (default: the recipe's).")
    Integer batch;

    @Option(names = "--frequency-warp", paramLabel = "W", description = "Stretch each training utterance's "
            + "spectrum by a random factor in [1-W, 1+W] (vocal-tract length perturbation, e.g. 0.15; "
            + "whisper-mel features only; default off).")
    Double frequencyWarp;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--name", description = "Base name of the output files (default: the recipe, e.g. a1).")
    String name;

    @Option(names = "--examples", paramLabel = "N", defaultValue = "3", description = "Decoded held-out examples "
            + "to continue with the LLM (default ${DEFAULT-VALUE}).")
    int examples;

    /** Used by picocli. */
    public TrainProjectorCommand() {
    }

    @Override
    int execute() {
        if (minutes <= 0 || epochs < 1 || threads < 1 || dataThreads < 1) {
            throw new ConfigException("--minutes must be positive and --epochs, --threads, --data-threads at least 1");
        }
        ProjectorTrainer.Builder tb = trainer();
        ProviderConfig cfg = training.config();
        if (!reuse) {
            ProviderConfig enc = ProviderConfig.of(Map.of("provider", encoder, "model", ModelArg.value(encoderModel)));
            if (encoder.equals("whisper-mel")) {
                enc = enc.with("pairAverage", true);
            }
            for (Map.Entry<String, String> e : encoderOptions.entrySet()) {
                enc = enc.with(e.getKey(), value(e.getValue()));
            }
            cfg = cfg.with("encoder", enc.json());
        }
        cfg = resolved(cfg, reuse ? new String[] {"llm"} : new String[] {"llm", "encoder"});
        try (LanguageModel llm = TrainingOptions.openLlm(cfg)) {
            if (!reuse) {
                build(llm, cfg.child("encoder"));
            } else if (!Files.isRegularFile(data.resolve(Dataset.MANIFEST))) {
                throw new ConfigException("--reuse: no dataset in " + data + " (no " + Dataset.MANIFEST + ")");
            }
            Dataset ds = Dataset.open(data);
            List<List<DatasetEntry>> split = training.split(ds);
            List<DatasetEntry> train = trainSentences == null ? split.get(0)
                    : Dataset.firstSentences(split.get(0), trainSentences);
            if (!trainVoices.isEmpty()) {
                train = ds.ofVoices(train, trainVoices.stream().map(String::strip).toList());
            }
            term.err().printf(Locale.ROOT, "training on %d utterances (%s), %d held out (%s)%n", train.size(),
                    trainVoices.isEmpty() ? "all voices" : String.join(", ", trainVoices), split.get(1).size(),
                    String.join(", ", ds.voices()));
            String n = name != null ? name : recipe.strip().toLowerCase(Locale.ROOT);
            ProjectorExperiment.Report r = ProjectorExperiment.train(ds, train, split.get(1), tb.build(), llm, out, n,
                    examples, training.generation());
            TrainingResult tr = r.training();
            term.out().printf(Locale.ROOT, "held-out TER %.3f, exact match %.1f%%, per voice %s%n", r.heldOut().ter(),
                    100 * r.heldOut().exactMatch(), EvalProjectorCommand.perVoice(r.heldOut()));
            term.out().printf(Locale.ROOT, "training %.1f s, %d steps, %.1f GFLOP/s, %d skipped (CTC-infeasible)%n",
                    tr.trainSeconds(), tr.steps(), tr.gflops(), tr.skippedInfeasible());
            EvalProjectorCommand.printExamples(term, r.examples());
            term.out().println("projector: " + r.exported().config());
            term.out().println("report:    " + r.reportJson());
            term.out().println("curve:     " + r.plot());
            return ExitCodes.OK;
        }
    }

    /** The recipe with the command's options; checked before any model is opened. */
    private ProjectorTrainer.Builder trainer() {
        ProjectorTrainer.Builder tb = ProjectorTrainer.recipe(recipe);
        String option = "";
        try {
            if (learningRate != null) {
                option = "--lr";
                tb.learningRate(learningRate);
            }
            if (batch != null) {
                option = "--batch";
                tb.batchSize(batch);
            }
            if (frequencyWarp != null) {
                option = "--frequency-warp";
                tb.frequencyWarp(FrequencyWarp.whisperMel(frequencyWarp));
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(option + ": " + e.getMessage(), e);
        }
        return tb.epochs(epochs).seed(seed).threads(threads).maxTime(Duration.ofMillis((long) (minutes * 60_000)))
                .listener(s -> term.out().printf(Locale.ROOT,
                        "epoch %3d  loss %.3f  held-out TER %.3f  exact %.3f  lr %.2e  %.0f s  %.1f GFLOP/s%n",
                        s.epoch(), s.trainLoss(), s.heldOutTer(), s.heldOutExact(), s.learningRate(),
                        s.elapsedSeconds(), s.gflops()));
    }

    private void build(LanguageModel llm, ProviderConfig encCfg) {
        List<String> text;
        Path existing = data.resolve("sentences.txt");
        if (sentences != null) {
            if (!Files.isRegularFile(sentences)) {
                throw new ConfigException("--sentences " + sentences + ": no such file");
            }
            text = Sentences.fromFile(sentences);
        } else if (Files.isRegularFile(existing)) {
            text = Sentences.fromFile(existing);
        } else {
            if (sample < 1) {
                throw new ConfigException("--sample must be at least 1, got " + sample);
            }
            term.err().printf(Locale.ROOT, "sampling %d sentences from the language model%n", sample);
            text = Sentences.sample(llm, prompt, sample, temperature, sampleSeed, 160, 3, 16, 20 * sample);
        }
        if (text.isEmpty()) {
            throw new ConfigException("no sentences to build a dataset from");
        }
        List<String> specs = voices.isEmpty() ? List.of("marytts:cmu-slt-hsmm") : voices;
        try (AudioEncoder enc = S2s.audioEncoder(encCfg.provider(), encCfg); Voices vs = Voices.open(specs);
                Progress progress = new Progress()) {
            DatasetBuilder.Summary s = vs.addTo(DatasetBuilder.builder()).outputDir(data).sentences(text)
                    .languageModel(llm).encoder(enc).threads(dataThreads).keepAudio(keepAudio).listener(progress)
                    .build().run();
            term.err().printf(Locale.ROOT, "dataset %s: %d sentences x %d voices, %d written, %d resumed, %d failed, "
                    + "%d empty transcripts, %.1f s%n", data, s.sentences(), specs.size(), s.written(), s.resumed(),
                    s.failed(), s.emptyTranscripts(), s.seconds());
        }
    }

    /** A progress bar fed from the builder's worker threads. */
    private final class Progress implements DatasetBuilder.Listener, AutoCloseable {
        private Terminal.Steps steps;

        @Override
        public synchronized void onProgress(int done, int total, String id) {
            if (!term.interactive()) {
                if (done == total || done % Math.max(1, total / 10) == 0) {
                    term.err().printf(Locale.ROOT, "dataset: %d/%d%n", done, total);
                }
                return;
            }
            if (steps == null) {
                steps = term.steps("dataset", total);
            }
            steps.step();
        }

        @Override
        public synchronized void close() {
            if (steps != null) {
                steps.close();
            }
        }
    }

    private static Object value(String v) {
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        try {
            return v.contains(".") ? (Object) Double.parseDouble(v) : (Object) Long.parseLong(v);
        } catch (NumberFormatException e) {
            return v;
        }
    }
}
