package dev.s2s.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.s2s.api.AudioClip;
import dev.s2s.api.AudioEncoder;
import dev.s2s.api.ConfigException;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.S2sException;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SynthesisOptions;
import dev.s2s.formats.Npy;
import dev.s2s.formats.NpyArray;
import dev.s2s.api.Wav;
import dev.s2s.api.WavEncoding;

/**
 * Builds a speech dataset through the provider SPI only: each sentence becomes token ids through
 * the language model's own tokenizer, is spoken by every configured voice (any
 * {@link SpeechSynthesizer}, e.g. MaryTTS or an espeak plugin), resampled to 16 kHz mono, and
 * turned into features by an {@link AudioEncoder}. The result is a {@link Dataset} folder: a JSONL
 * manifest, {@code sentences.txt}, {@code features/*.npy} and optionally {@code audio/*.wav}.
 *
 * <p>The work is <em>resumable</em>: entries already in the manifest (with their feature file)
 * are not redone, so an interrupted build continues where it stopped, and a build with more voices,
 * or with a sentence list that starts with the folder's sentences, adds only what is new. It runs on
 * {@code threads} worker threads; calls into one synthesizer or encoder instance are serialised
 * unless {@link Builder#componentsThreadSafe(boolean)} says they may run concurrently. Progress is
 * reported through {@link Listener} (a CLI can draw a progress bar with it).
 *
 * <p>A builder object is not thread-safe; {@link #run()} may be called once per built instance at a
 * time.
 */
public final class DatasetBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetBuilder.class);

    /** The sample rate audio is resampled to before encoding. */
    public static final int SAMPLE_RATE = 16_000;

    /**
     * One voice: a synthesizer with the options that select the voice.
     *
     * @param label       the voice label written to the manifest (also part of file names)
     * @param synthesizer the synthesizer
     * @param options     its options (voice name, language)
     */
    public record Voice(String label, SpeechSynthesizer synthesizer, SynthesisOptions options) {
        /** Validates. */
        public Voice {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(synthesizer, "synthesizer");
            options = options == null ? SynthesisOptions.defaults() : options;
        }
    }

    /** Progress of a build. Called from worker threads; implementations must be thread-safe. */
    @FunctionalInterface
    public interface Listener {
        /** Called after each item, whether written, already present, or failed. */
        void onProgress(int done, int total, String id);
    }

    /**
     * What a build did.
     *
     * @param sentences        sentences in the dataset
     * @param emptyTranscripts sentences skipped because the tokenizer gave no ids
     * @param items            sentence × voice items planned
     * @param written          items written by this run
     * @param resumed          items already present from an earlier run
     * @param failed           items that failed (logged; retried by the next run)
     * @param seconds          wall time
     */
    public record Summary(int sentences, int emptyTranscripts, int items, int written, int resumed, int failed,
            double seconds) {
    }

    private final Path dir;
    private final List<String> sentences;
    private final LanguageModel llm;
    private final List<Voice> voices;
    private final AudioEncoder encoder;
    private final int threads;
    private final boolean keepAudio;
    private final boolean threadSafe;
    private final Listener listener;

    private DatasetBuilder(Builder b) {
        this.dir = Objects.requireNonNull(b.dir, "output folder");
        this.sentences = List.copyOf(Objects.requireNonNull(b.sentences, "sentences"));
        this.llm = Objects.requireNonNull(b.llm, "language model (tokenizer)");
        this.voices = List.copyOf(b.voices);
        this.encoder = Objects.requireNonNull(b.encoder, "audio encoder");
        this.threads = b.threads;
        this.keepAudio = b.keepAudio;
        this.threadSafe = b.threadSafe;
        this.listener = b.listener;
        if (voices.isEmpty()) {
            throw new ConfigException("a dataset needs at least one voice");
        }
        Set<String> labels = new HashSet<>();
        for (Voice v : voices) {
            if (!labels.add(v.label())) {
                throw new ConfigException("duplicate voice label '" + v.label() + "'");
            }
        }
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds (or completes) the dataset.
     *
     * @throws ConfigException when the folder holds a dataset of different sentences, another build
     *                         is running in it, or it cannot be written
     */
    public Summary run() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ConfigException("cannot create dataset folder " + dir + ": " + e.getMessage(), e);
        }
        // one build per folder at a time: a second one would rewrite the manifest under the first
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.resolve(".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                java.nio.channels.FileLock lock = ch.tryLock()) {
            if (lock == null) {
                throw new ConfigException("another dataset build is running in " + dir);
            }
            return runLocked();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            throw new ConfigException("another dataset build is running in " + dir, e);
        } catch (IOException e) {
            throw new ConfigException("cannot lock dataset folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private Summary runLocked() {
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dir.resolve("features"));
            if (keepAudio) {
                Files.createDirectories(dir.resolve("audio"));
            }
            Path sf = dir.resolve("sentences.txt");
            if (Files.exists(sf)) {
                List<String> old = Files.readAllLines(sf, StandardCharsets.UTF_8);
                boolean extends_ = sentences.size() > old.size() && sentences.subList(0, old.size()).equals(old);
                if (extends_) {
                    LOG.info("{}: extending the dataset from {} to {} sentences", dir, old.size(), sentences.size());
                    Files.write(sf, sentences, StandardCharsets.UTF_8);
                } else if (!old.equals(sentences)) {
                    throw new ConfigException(dir + " already holds a dataset of other sentences (sentences.txt "
                            + "differs); use a new folder, the same sentences to resume, or a list that starts "
                            + "with them to extend it");
                }
            } else {
                Files.write(sf, sentences, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot write dataset folder " + dir + ": " + e.getMessage(), e);
        }
        Set<String> done = new HashSet<>();
        Path manifestFile = dir.resolve(Dataset.MANIFEST);
        if (Files.exists(manifestFile)) {
            // keep the complete entries whose features exist, and drop a line cut by an interruption
            List<String> keep = new ArrayList<>();
            for (DatasetEntry e : Dataset.open(dir).entries()) {
                if (Files.isRegularFile(dir.resolve(e.features()))) {
                    done.add(e.id());
                    keep.add(Dataset.line(e));
                }
            }
            try {
                Path tmp = dir.resolve(Dataset.MANIFEST + ".tmp");
                Files.write(tmp, keep, StandardCharsets.UTF_8);
                Files.move(tmp, manifestFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new ConfigException("cannot rewrite " + manifestFile + ": " + e.getMessage(), e);
            }
        }
        record Item(int sentence, String text, int[] tokens, Voice voice, String id) {
        }
        List<Item> items = new ArrayList<>();
        int empty = 0;
        for (int i = 0; i < sentences.size(); i++) {
            String text = sentences.get(i);
            int[] tok = text.isBlank() ? new int[0] : llm.tokenize(text);
            if (tok.length == 0) {
                empty++;
                LOG.warn("sentence {} has no tokens (empty transcript), skipped: '{}'", i, text);
                continue;
            }
            for (Voice v : voices) {
                items.add(new Item(i, text, tok, v, String.format(Locale.ROOT, "%06d-%s", i, slug(v.label()))));
            }
        }
        Map<Object, ReentrantLock> locks = new IdentityHashMap<>();
        for (Voice v : voices) {
            locks.computeIfAbsent(v.synthesizer(), k -> new ReentrantLock());
        }
        locks.computeIfAbsent(encoder, k -> new ReentrantLock());
        AtomicInteger progress = new AtomicInteger();
        AtomicInteger written = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        int resumed = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "s2s-dataset");
            t.setDaemon(true);
            return t;
        });
        try (BufferedWriter manifest = Files.newBufferedWriter(dir.resolve(Dataset.MANIFEST), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            List<Future<?>> fs = new ArrayList<>();
            for (Item it : items) {
                if (done.contains(it.id())) {
                    resumed++;
                    listener.onProgress(progress.incrementAndGet(), items.size(), it.id());
                    continue;
                }
                fs.add(pool.submit(() -> {
                    try {
                        AudioClip clip = locked(locks.get(it.voice().synthesizer()),
                                () -> it.voice().synthesizer().synthesize(it.text(), it.voice().options()));
                        AudioClip mono = clip.toMono(SAMPLE_RATE);
                        EmbeddingSequence feats = locked(locks.get(encoder), () -> encoder.encode(mono));
                        String fname = "features/" + it.id() + ".npy";
                        Npy.write(dir.resolve(fname), new NpyArray(new int[] {feats.frames(), feats.dim()},
                                feats.data()));
                        String aname = null;
                        if (keepAudio) {
                            aname = "audio/" + it.id() + ".wav";
                            Wav.write(mono, dir.resolve(aname), WavEncoding.PCM_16);
                        }
                        DatasetEntry e = new DatasetEntry(it.id(), it.sentence(), it.text(), it.tokens(),
                                it.voice().label(), aname, fname, feats.frames(), feats.dim(),
                                feats.framesPerSecond(), mono.seconds());
                        String line = Dataset.line(e);
                        synchronized (manifest) {
                            manifest.write(line);
                            manifest.newLine();
                            manifest.flush();
                        }
                        written.incrementAndGet();
                    } catch (IOException | S2sException | IllegalArgumentException | IllegalStateException e) {
                        failed.incrementAndGet();
                        LOG.warn("dataset item {} failed: {}", it.id(), e.toString());
                    }
                    listener.onProgress(progress.incrementAndGet(), items.size(), it.id());
                }));
            }
            for (Future<?> f : fs) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("dataset worker failed: " + e.getCause(), e.getCause());
                }
            }
        } catch (IOException e) {
            throw new ConfigException("cannot write the manifest in " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("dataset build interrupted", e);
        } finally {
            pool.shutdownNow();
        }
        return new Summary(sentences.size(), empty, items.size(), written.get(), resumed, failed.get(),
                (System.nanoTime() - t0) * 1e-9);
    }

    private <T> T locked(ReentrantLock lock, java.util.function.Supplier<T> work) {
        if (threadSafe) {
            return work.get();
        }
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** A file-name-safe form of a voice label. */
    static String slug(String label) {
        String s = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "voice" : s;
    }

    /** Options for {@link DatasetBuilder}. Not thread-safe. */
    public static final class Builder {
        private Path dir;
        private List<String> sentences;
        private LanguageModel llm;
        private final List<Voice> voices = new ArrayList<>();
        private AudioEncoder encoder;
        private int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private boolean keepAudio = true;
        private boolean threadSafe;
        private Listener listener = (d, t, id) -> { };

        private Builder() {
        }

        /** @param v the dataset folder (created when missing) @return this */
        public Builder outputDir(Path v) {
            dir = v;
            return this;
        }

        /** @param v the sentences (blank ones are skipped and counted as empty transcripts) @return this */
        public Builder sentences(List<String> v) {
            sentences = List.copyOf(v);
            return this;
        }

        /** @param v the language model whose tokenizer gives the target ids @return this */
        public Builder languageModel(LanguageModel v) {
            llm = v;
            return this;
        }

        /** @param label voice label @param synth synthesizer @param options voice options @return this */
        public Builder voice(String label, SpeechSynthesizer synth, SynthesisOptions options) {
            voices.add(new Voice(label, synth, options));
            return this;
        }

        /** @param v the feature extractor @return this */
        public Builder encoder(AudioEncoder v) {
            encoder = v;
            return this;
        }

        /** @param v worker threads (default min(4, CPUs)) @return this */
        public Builder threads(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("threads must be >= 1");
            }
            threads = v;
            return this;
        }

        /** @param v also keep the 16 kHz audio as WAV (default true) @return this */
        public Builder keepAudio(boolean v) {
            keepAudio = v;
            return this;
        }

        /** @param v the synthesizers and the encoder may be called concurrently (default false) @return this */
        public Builder componentsThreadSafe(boolean v) {
            threadSafe = v;
            return this;
        }

        /** @param v progress callback @return this */
        public Builder listener(Listener v) {
            listener = Objects.requireNonNull(v);
            return this;
        }

        /**
         * @return the builder
         * @throws ConfigException when no voice is set or labels repeat
         */
        public DatasetBuilder build() {
            return new DatasetBuilder(this);
        }
    }
}
