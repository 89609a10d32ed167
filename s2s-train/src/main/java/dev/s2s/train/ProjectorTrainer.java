package dev.s2s.train;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.s2s.api.ConfigException;
import dev.s2s.api.TokenMatrix;
import dev.s2s.kernels.Kernels;
import dev.s2s.train.ProjectorSpec.Activation;
import dev.s2s.train.ProjectorSpec.Similarity;
import dev.s2s.train.internal.Adam;
import dev.s2s.train.internal.Linalg;
import dev.s2s.train.internal.ProjectorNet;

/**
 * Trains an audio-to-token projector with CTC against a language model's <em>frozen</em>
 * token-embedding matrix, in pure Java on the {@link Kernels} matmuls.
 *
 * <p>The network: z-normalise the input features with training statistics, stack {@code k}
 * frames, optionally concatenate {@code ±c} neighbouring stacked frames, then Linear → activation
 * → dropout → Linear to the embedding width. Each output vector is scored against every token row
 * (cosine with a learned scale, or inner product) and against one learned blank vector; CTC
 * against the sentence's token ids gives the loss. Adam updates the weights, with linear warm-up
 * and cosine decay of the learning rate over the planned steps (or the time budget, whichever
 * ends first), global-norm gradient clipping, SpecAugment-style masks, and optionally a random
 * frequency warp of log-mel inputs ({@link FrequencyWarp}).
 *
 * <p>Utterances whose stacked frames are fewer than CTC needs for their tokens are skipped and
 * counted ({@link TrainingResult#skippedInfeasible()}).
 *
 * <pre>{@code
 * TrainingResult r = ProjectorTrainer.builder().stack(4).context(2).hidden(512).dropout(0.1f)
 *         .specAugment(SpecAugment.defaults()).epochs(40).listener(s -> System.out.println(s))
 *         .build().train(train, heldOut, llm.tokenEmbeddings());
 * ProjectorExport.write(r.projector(), dir, "projector");
 * }</pre>
 *
 * <p>A trainer is immutable and thread-safe; each {@link #train} call is independent and runs on
 * the calling thread (plus {@code threads - 1} pool threads for large matmuls).
 */
public final class ProjectorTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectorTrainer.class);

    private final Builder b;

    private ProjectorTrainer(Builder b) {
        this.b = b.copy();
    }

    /** A builder with the defaults (the A1 recipe: k=4, no context, hidden 256, cosine logits). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The A1 recipe for 80-d log-mel features at 20 ms: k=4, no context, hidden 256, exact GELU,
     * cosine logits, no dropout or masks.
     */
    public static Builder recipeA1() {
        return builder().stack(4).context(0).hidden(256).learningRate(2e-3).batchSize(16);
    }

    /**
     * The A2 recipe: k=4, ±2 stacked frames of context, hidden 512, dropout 0.1, SpecAugment,
     * cosine logits.
     */
    public static Builder recipeA2() {
        return builder().stack(4).context(2).hidden(512).dropout(0.1f).specAugment(SpecAugment.defaults())
                .learningRate(1.5e-3).batchSize(16);
    }

    /** The A3 recipe for Whisper encoder states (50 frames/s): k=4, ±1 context, hidden 512, dropout 0.1. */
    public static Builder recipeA3() {
        return builder().stack(4).context(1).hidden(512).dropout(0.1f).learningRate(1.5e-3).batchSize(16);
    }

    /**
     * The recipe of that name: {@code A1}, {@code A2} or {@code A3} (case-insensitive).
     *
     * @throws ConfigException for another name
     */
    public static Builder recipe(String name) {
        return switch (name == null ? "" : name.strip().toUpperCase(java.util.Locale.ROOT)) {
            case "A1" -> recipeA1();
            case "A2" -> recipeA2();
            case "A3" -> recipeA3();
            default -> throw new ConfigException("unknown recipe '" + name + "': expected A1, A2 or A3");
        };
    }

    /**
     * The settings of this trainer that a report should record next to its results (the network
     * shape is in the exported projector): optimisation, regularisation, limits, seed, threads and
     * the kernels in use.
     */
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", b.epochs);
        m.put("maxTimeSeconds", b.maxTime == null ? null : b.maxTime.toMillis() / 1000.0);
        m.put("batchSize", b.batchSize);
        m.put("learningRate", b.learningRate);
        m.put("warmupSteps", b.warmupSteps);
        m.put("minLrFraction", b.minLrFraction);
        m.put("weightDecay", b.weightDecay);
        m.put("gradClip", b.gradClip);
        m.put("dropout", b.dropout);
        m.put("specAugment", b.specAugment);
        m.put("frequencyWarp", b.frequencyWarp.maxWarp());
        m.put("seed", b.seed);
        m.put("threads", b.threads);
        m.put("kernels", b.kernels.name());
        return m;
    }

    /**
     * Trains on {@code train}, reporting held-out TER after each epoch.
     *
     * @param train   training utterances (all with the same feature width)
     * @param heldOut held-out utterances, possibly empty
     * @param tokens  the language model's token-embedding matrix (frozen)
     * @throws IllegalArgumentException for no usable training data, mixed feature widths, or token
     *                                  ids outside the matrix
     */
    public TrainingResult train(List<Utterance> train, List<Utterance> heldOut, TokenMatrix tokens) {
        Objects.requireNonNull(tokens, "tokens");
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training utterances");
        }
        int f = train.get(0).features().dim();
        checkData(train, f, tokens.rows(), "training");
        checkData(heldOut, f, tokens.rows(), "held-out");
        ProjectorSpec spec = new ProjectorSpec(f, b.stack, b.context, b.hidden, tokens.dim(), b.activation,
                b.similarity, b.padTail);
        float[][] stats = statistics(train, f);
        float[] mean = stats[0];
        float[] std = stats[1];

        List<ProjectorNet.Item> items = new ArrayList<>();
        int skipped = 0;
        for (Utterance u : train) {
            int[] tok = u.tokens();
            if (spec.outputFrames(u.frames()) < CtcLoss.minFrames(tok)) {
                skipped++;
                continue;
            }
            items.add(new ProjectorNet.Item(TrainedProjector.normalize(u.features(), mean, std), u.frames(), tok));
        }
        if (skipped > 0) {
            LOG.info("skipped {} of {} training utterances: fewer stacked frames than CTC needs", skipped,
                    train.size());
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("no trainable utterances: all " + train.size()
                    + " have fewer stacked frames than their token count needs (CTC-infeasible)");
        }
        List<ProjectorNet.Item> held = new ArrayList<>();
        for (Utterance u : heldOut) {
            held.add(new ProjectorNet.Item(TrainedProjector.normalize(u.features(), mean, std), u.frames(), u.tokens()));
        }

        ExecutorService pool = b.threads > 1 ? Executors.newFixedThreadPool(b.threads - 1, r -> {
            Thread t = new Thread(r, "s2s-train-matmul");
            t.setDaemon(true);
            return t;
        }) : null;
        try {
            return run(spec, mean, std, items, held, heldOut, tokens, skipped, new Linalg(b.kernels, pool, b.threads));
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    private TrainingResult run(ProjectorSpec spec, float[] mean, float[] std, List<ProjectorNet.Item> items,
            List<ProjectorNet.Item> held, List<Utterance> heldOut, TokenMatrix tokens, int skipped, Linalg la) {
        Random rng = new Random(b.seed);
        ProjectorNet net = new ProjectorNet(spec, tokens.toFloats(), tokens.rows(), la);
        net.initialize(rng, b.initScale);
        float[] p = net.params();
        float[] grad = new float[p.length];
        Adam adam = new Adam(p.length, b.beta1, b.beta2, 1e-8);
        int batchesPerEpoch = (items.size() + b.batchSize - 1) / b.batchSize;
        long plannedSteps = (long) batchesPerEpoch * b.epochs;
        double budget = b.maxTime == null ? Double.POSITIVE_INFINITY : b.maxTime.toNanos() * 1e-9;

        List<EpochStats> history = new ArrayList<>();
        long start = System.nanoTime();
        double trainSeconds = 0;
        double totalFlops = 0;
        long step = 0;
        double lr = 0;
        float[] best = null;
        double bestTer = Double.POSITIVE_INFINITY;
        boolean outOfTime = false;
        Random augRng = new Random(b.seed + 1);
        Random dropRng = new Random(b.seed + 2);
        int[] order = new int[items.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int epoch = 1; epoch <= b.epochs && !outOfTime; epoch++) {
            shuffle(order, rng);
            long e0 = System.nanoTime();
            double lossSum = 0;
            int lossBatches = 0;
            double epochFlops = 0;
            for (int bi = 0; bi < batchesPerEpoch; bi++) {
                List<ProjectorNet.Item> batch = new ArrayList<>(b.batchSize);
                for (int j = bi * b.batchSize; j < Math.min(order.length, (bi + 1) * b.batchSize); j++) {
                    ProjectorNet.Item it = items.get(order[j]);
                    if (!b.specAugment.isNone() || !b.frequencyWarp.isNone()) {
                        float[] x = Arrays.copyOf(it.features(), it.frames() * spec.inputDim());
                        b.frequencyWarp.apply(x, it.frames(), spec.inputDim(), mean, std, augRng);
                        b.specAugment.apply(x, it.frames(), spec.inputDim(), augRng);
                        it = new ProjectorNet.Item(x, it.frames(), it.tokens());
                    }
                    batch.add(it);
                }
                ProjectorNet.BatchLoss bl = net.lossAndGradient(batch, b.dropout, dropRng, grad);
                if (bl.used() == 0) {
                    continue;
                }
                clip(grad, b.gradClip);
                double progress = Math.max((double) step / plannedSteps, trainSeconds / budget);
                lr = schedule(step, progress);
                int decayEnd = net.offB1();
                adam.step(p, grad, lr, b.weightDecay, 0, decayEnd, true);
                adam.step(p, grad, lr, 0, decayEnd, net.offW2(), false);
                adam.step(p, grad, lr, b.weightDecay, net.offW2(), net.offB2(), false);
                adam.step(p, grad, lr, 0, net.offB2(), p.length, false);
                step++;
                lossSum += bl.meanLoss();
                lossBatches++;
                epochFlops += bl.flops();
                if (trainSeconds + (System.nanoTime() - e0) * 1e-9 > budget) {
                    outOfTime = true;
                    break;
                }
            }
            double epochSeconds = (System.nanoTime() - e0) * 1e-9;
            trainSeconds += epochSeconds;
            totalFlops += epochFlops;
            double ter = Double.NaN;
            double exact = Double.NaN;
            boolean evalNow = !held.isEmpty() && (epoch % b.evalEvery == 0 || epoch == b.epochs || outOfTime);
            if (evalNow) {
                double[] te = heldOutScore(net, held, heldOut, tokens.rows());
                ter = te[0];
                exact = te[1];
                if (ter < bestTer) {
                    bestTer = ter;
                    best = p.clone();
                }
            }
            EpochStats s = new EpochStats(epoch, lossBatches == 0 ? Double.NaN : lossSum / lossBatches, ter, exact, lr,
                    (System.nanoTime() - start) * 1e-9, epochSeconds > 0 ? epochFlops / epochSeconds / 1e9 : 0);
            history.add(s);
            LOG.debug("{}", s);
            b.listener.onEpoch(s);
        }
        float[] chosen = best != null && b.keepBest ? best : p.clone();
        TrainedProjector model = new TrainedProjector(spec, mean, std, chosen, tokens);
        return new TrainingResult(model, history, skipped, step, totalFlops, trainSeconds,
                (System.nanoTime() - start) * 1e-9);
    }

    /** Held-out TER and exact match with the training network in inference mode. */
    private static double[] heldOutScore(ProjectorNet net, List<ProjectorNet.Item> held, List<Utterance> heldOut,
            int blank) {
        long err = 0;
        long ref = 0;
        int exact = 0;
        for (int i = 0; i < held.size(); i++) {
            ProjectorNet.Item it = held.get(i);
            int[] hyp = CtcLoss.collapse(net.argmax(it.features(), it.frames(), null), blank);
            int[] r = it.tokens();
            int e = Evaluation.editDistance(r, hyp);
            err += e;
            ref += r.length;
            if (e == 0 && hyp.length == r.length) {
                exact++;
            }
        }
        return new double[] {ref == 0 ? 0 : (double) err / ref, (double) exact / heldOut.size()};
    }

    private double schedule(long step, double progress) {
        double warm = b.warmupSteps <= 0 ? 1 : Math.min(1, (step + 1.0) / b.warmupSteps);
        double p = Math.min(1, Math.max(0, progress));
        double cos = b.minLrFraction + (1 - b.minLrFraction) * 0.5 * (1 + Math.cos(Math.PI * p));
        return b.learningRate * warm * cos;
    }

    private static void clip(float[] g, float maxNorm) {
        if (!(maxNorm > 0)) {
            return;
        }
        double s = 0;
        for (float v : g) {
            s += (double) v * v;
        }
        double n = Math.sqrt(s);
        if (n > maxNorm) {
            float k = (float) (maxNorm / n);
            for (int i = 0; i < g.length; i++) {
                g[i] *= k;
            }
        }
    }

    private static void shuffle(int[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static void checkData(List<Utterance> data, int f, int vocab, String what) {
        for (Utterance u : data) {
            if (u.features().dim() != f) {
                throw new IllegalArgumentException(what + " utterance " + u.id() + " has " + u.features().dim()
                        + "-wide features; the first training utterance has " + f);
            }
            for (int t : u.tokens()) {
                if (t >= vocab) {
                    throw new IllegalArgumentException(what + " utterance " + u.id() + " has token id " + t
                            + ", outside the token matrix of " + vocab + " rows");
                }
            }
        }
    }

    /** Per-channel mean and standard deviation over every training frame (std floored at 1e-5). */
    static float[][] statistics(List<Utterance> train, int f) {
        double[] sum = new double[f];
        double[] sq = new double[f];
        long n = 0;
        for (Utterance u : train) {
            dev.s2s.api.EmbeddingSequence s = u.features();
            for (int t = 0; t < s.frames(); t++) {
                for (int d = 0; d < f; d++) {
                    double v = s.get(t, d);
                    sum[d] += v;
                    sq[d] += v * v;
                }
            }
            n += u.frames();
        }
        float[] mean = new float[f];
        float[] std = new float[f];
        for (int d = 0; d < f; d++) {
            double m = n == 0 ? 0 : sum[d] / n;
            double v = n == 0 ? 1 : Math.max(0, sq[d] / n - m * m);
            mean[d] = (float) m;
            std[d] = (float) Math.max(1e-5, Math.sqrt(v));
        }
        return new float[][] {mean, std};
    }

    /** Options for {@link ProjectorTrainer}. Not thread-safe. */
    public static final class Builder {
        private int stack = 4;
        private int context;
        private int hidden = 256;
        private Activation activation = Activation.GELU;
        private Similarity similarity = Similarity.COSINE;
        private boolean padTail = true;
        private float dropout;
        private SpecAugment specAugment = SpecAugment.none();
        private FrequencyWarp frequencyWarp = FrequencyWarp.none();
        private int epochs = 30;
        private int batchSize = 16;
        private double learningRate = 2e-3;
        private int warmupSteps = 50;
        private double minLrFraction = 0.05;
        private double weightDecay;
        private float gradClip = 5f;
        private float initScale = 10f;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private long seed = 42;
        private int threads = 1;
        private int evalEvery = 1;
        private boolean keepBest = true;
        private Duration maxTime;
        private Kernels kernels = Kernels.get();
        private TrainingListener listener = TrainingListener.NONE;

        private Builder() {
        }

        private Builder copy() {
            Builder c = new Builder();
            c.stack = stack;
            c.context = context;
            c.hidden = hidden;
            c.activation = activation;
            c.similarity = similarity;
            c.padTail = padTail;
            c.dropout = dropout;
            c.specAugment = specAugment;
            c.frequencyWarp = frequencyWarp;
            c.epochs = epochs;
            c.batchSize = batchSize;
            c.learningRate = learningRate;
            c.warmupSteps = warmupSteps;
            c.minLrFraction = minLrFraction;
            c.weightDecay = weightDecay;
            c.gradClip = gradClip;
            c.initScale = initScale;
            c.beta1 = beta1;
            c.beta2 = beta2;
            c.seed = seed;
            c.threads = threads;
            c.evalEvery = evalEvery;
            c.keepBest = keepBest;
            c.maxTime = maxTime;
            c.kernels = kernels;
            c.listener = listener;
            return c;
        }

        /** @param v frames stacked into one (k, default 4) @return this */
        public Builder stack(int v) {
            stack = positive(v, "stack");
            return this;
        }

        /** @param v stacked neighbours on each side (c, default 0) @return this */
        public Builder context(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("context must be >= 0, got " + v);
            }
            context = v;
            return this;
        }

        /** @param v hidden width (default 256) @return this */
        public Builder hidden(int v) {
            hidden = positive(v, "hidden");
            return this;
        }

        /** @param v activation (default exact GELU) @return this */
        public Builder activation(Activation v) {
            activation = Objects.requireNonNull(v);
            return this;
        }

        /** @param v logits: cosine with a learned scale (default) or inner product @return this */
        public Builder similarity(Similarity v) {
            similarity = Objects.requireNonNull(v);
            return this;
        }

        /** @param v zero-pad (true, default) or drop a partial last stack @return this */
        public Builder padTail(boolean v) {
            padTail = v;
            return this;
        }

        /** @param v dropout after the activation, in [0, 1) (default 0) @return this */
        public Builder dropout(float v) {
            if (!(v >= 0 && v < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + v);
            }
            dropout = v;
            return this;
        }

        /** @param v SpecAugment masks (default none) @return this */
        public Builder specAugment(SpecAugment v) {
            specAugment = Objects.requireNonNull(v);
            return this;
        }

        /**
         * @param v vocal-tract length perturbation of log-mel inputs, applied before the masks
         *          (default none; only for mel features) @return this
         */
        public Builder frequencyWarp(FrequencyWarp v) {
            frequencyWarp = Objects.requireNonNull(v);
            return this;
        }

        /** @param v epochs (default 30) @return this */
        public Builder epochs(int v) {
            epochs = positive(v, "epochs");
            return this;
        }

        /** @param v utterances per batch (default 16) @return this */
        public Builder batchSize(int v) {
            batchSize = positive(v, "batchSize");
            return this;
        }

        /** @param v peak Adam learning rate (default 2e-3) @return this */
        public Builder learningRate(double v) {
            if (!(v > 0)) {
                throw new IllegalArgumentException("learningRate must be > 0, got " + v);
            }
            learningRate = v;
            return this;
        }

        /** @param v linear warm-up steps (default 50) @return this */
        public Builder warmupSteps(int v) {
            warmupSteps = Math.max(0, v);
            return this;
        }

        /** @param v final learning rate as a fraction of the peak (default 0.05) @return this */
        public Builder minLrFraction(double v) {
            minLrFraction = Math.min(1, Math.max(0, v));
            return this;
        }

        /** @param v decoupled weight decay of the weight matrices (default 0) @return this */
        public Builder weightDecay(double v) {
            weightDecay = Math.max(0, v);
            return this;
        }

        /** @param v global gradient-norm clip, 0 for none (default 5) @return this */
        public Builder gradClip(float v) {
            gradClip = v;
            return this;
        }

        /** @param v initial cosine scale (default 10) @return this */
        public Builder initScale(float v) {
            if (!(v > 0)) {
                throw new IllegalArgumentException("initScale must be > 0");
            }
            initScale = v;
            return this;
        }

        /** @param b1 Adam beta1 @param b2 Adam beta2 @return this */
        public Builder betas(double b1, double b2) {
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        /** @param v random seed for initialisation, shuffling, dropout and masks (default 42) @return this */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** @param v threads for the large matmuls (default 1) @return this */
        public Builder threads(int v) {
            threads = positive(v, "threads");
            return this;
        }

        /** @param v evaluate held-out data every v epochs (and after the last; default 1) @return this */
        public Builder evalEvery(int v) {
            evalEvery = positive(v, "evalEvery");
            return this;
        }

        /** @param v return the epoch with the best held-out TER (default true) rather than the last @return this */
        public Builder keepBest(boolean v) {
            keepBest = v;
            return this;
        }

        /** @param v a training-time budget (the epoch in progress stops when it runs out), or null @return this */
        public Builder maxTime(Duration v) {
            maxTime = v;
            return this;
        }

        /** @param v the kernels (default {@link Kernels#get()}) @return this */
        public Builder kernels(Kernels v) {
            kernels = Objects.requireNonNull(v);
            return this;
        }

        /** @param v called after each epoch @return this */
        public Builder listener(TrainingListener v) {
            listener = Objects.requireNonNull(v);
            return this;
        }

        /** @return a trainer with these options */
        public ProjectorTrainer build() {
            return new ProjectorTrainer(this);
        }

        private static int positive(int v, String name) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, got " + v);
            }
            return v;
        }
    }
}
