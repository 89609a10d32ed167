package dev.s2s.whisper;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.jna.Pointer;

import dev.s2s.api.AudioClip;
import dev.s2s.api.AudioFormatException;
import dev.s2s.api.ModelFormatException;
import dev.s2s.api.RecognitionException;
import dev.s2s.api.RecognitionOptions;
import dev.s2s.api.Segment;
import dev.s2s.api.SpeechRecognizer;
import dev.s2s.api.Transcript;
import dev.s2s.formats.GgmlHParams;
import dev.s2s.whisper.internal.LogMel;
import dev.s2s.whisper.internal.NativeModelCheck;
import dev.s2s.whisper.internal.NativeWhisper;
import io.github.givimad.whisperjni.WhisperContext;
import io.github.givimad.whisperjni.WhisperContextParams;
import io.github.givimad.whisperjni.WhisperFullParams;
import io.github.givimad.whisperjni.WhisperJNI;
import io.github.givimad.whisperjni.WhisperSamplingStrategy;
import io.github.givimad.whisperjni.WhisperState;

/**
 * Speech recognition with whisper.cpp 1.7.1 through whisper-jni, with ggml {@code .bin} models.
 *
 * <p><b>Safety.</b> The model is validated in Java ({@link NativeModelCheck}) before whisper.cpp
 * sees it, so wrong or truncated files, Silero VAD files and all-f32 models raise
 * {@link ModelFormatException} instead of aborting the JVM. Empty audio is refused; clips under
 * 1.05 s are padded with silence (whisper.cpp reads past short buffers and skips inputs under
 * about 1 s). The no-argument whisper-jni parameters (beam search, all cores) are never used:
 * every field is set from {@link RecognitionOptions} and the configuration.
 *
 * <p><b>Concurrency and determinism.</b> One native context is shared; every call gets a fresh
 * whisper state (whisper-jni cannot reset one: the decoder RNG and the previous text would carry
 * over) and runs with {@code noContext}, so the same audio and options always give the same text,
 * and calls run in parallel. whisper-jni keeps its handles in unsynchronised global maps; all calls
 * that change those maps (init, state creation, free) are serialised by a process-wide write
 * lock, and calls that only read them run under the read lock. A few fresh states are kept ready
 * so that a call rarely waits for another to finish.
 *
 * <p><b>Language and probabilities.</b> With no language requested, a multilingual model's
 * language is detected first with whisper.cpp's own {@code whisper_lang_auto_detect_with_state},
 * called through JNA on a second, JNA-owned context of the same bundled library, and the detected
 * code is then used for decoding and reported in the {@link Transcript}. English-only models
 * report {@code "en"}. Token probabilities are <em>not</em> reported (segments carry
 * {@code NaN}): {@code whisper_full_get_token_p} needs the native state of the decoding call,
 * which whisper-jni hides behind a private integer handle, and running the decoder through JNA
 * instead would mean passing the ~200-byte {@code whisper_full_params} struct by value, whose
 * layout cannot be checked at run time; a mismatch would corrupt memory.
 *
 * <p>Thread-safe. {@link #close()} waits for running calls and frees the native memory.
 */
public final class WhisperRecognizer implements SpeechRecognizer {

    private static final Logger LOG = LoggerFactory.getLogger(WhisperRecognizer.class);
    /** Guards whisper-jni's global, unsynchronised handle maps (shared by every recognizer). */
    private static final ReentrantReadWriteLock MAPS = new ReentrantReadWriteLock();
    /** whisper.cpp skips inputs whose real length is under 100 frames (about 1.0 s). */
    static final int MIN_SAMPLES = 16_800;
    private static volatile WhisperJNI jni;

    private final Path model;
    private final GgmlHParams hparams;
    private final Settings settings;
    private final WhisperContext context;
    private final ConcurrentLinkedDeque<WhisperState> fresh = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedDeque<WhisperState> used = new ConcurrentLinkedDeque<>();
    private Pointer detectCtx;
    private volatile boolean closed;

    /**
     * Settings that are fixed per recognizer (the per-call ones are in {@link RecognitionOptions}).
     *
     * @param threads        native threads when the options say 0; at least 1
     * @param language       language when the options give none, or {@code null}/"auto" to detect
     * @param spareStates    fresh native states kept ready for parallel calls (0 to 16)
     * @param bestOf         candidates sampled per temperature-fallback step with greedy decoding
     * @param detectLanguage detect the language through JNA when none is given (multilingual models)
     */
    public record Settings(int threads, String language, int spareStates, int bestOf, boolean detectLanguage) {

        /** Validates. */
        public Settings {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            if (spareStates < 0 || spareStates > 16) {
                throw new IllegalArgumentException("spareStates must be in [0, 16], got " + spareStates);
            }
            if (bestOf < 1) {
                throw new IllegalArgumentException("bestOf must be >= 1, got " + bestOf);
            }
        }

        /** One native thread per two cores (at most 4), auto language, 1 spare state, best-of 1, detection on. */
        public static Settings defaults() {
            return new Settings(defaultThreads(), null, 1, 1, true);
        }

        /** Half the available processors, between 1 and 4. */
        public static int defaultThreads() {
            return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
        }
    }

    private WhisperRecognizer(Path model, GgmlHParams hparams, Settings settings, WhisperContext context) {
        this.model = model;
        this.hparams = hparams;
        this.settings = settings;
        this.context = context;
    }

    /**
     * Validates and loads a whisper.cpp ggml model.
     *
     * @throws ModelFormatException when the file is missing, malformed, or of a kind that would
     *                              crash whisper.cpp
     * @throws RecognitionException when the native library cannot be loaded
     */
    public static WhisperRecognizer open(Path model, Settings settings) {
        GgmlHParams hp = NativeModelCheck.validate(model);
        WhisperJNI w = library();
        MAPS.writeLock().lock();
        try {
            WhisperContextParams cp = new WhisperContextParams();
            cp.useGPU = false;
            WhisperContext ctx;
            try {
                ctx = w.initNoState(model.toAbsolutePath(), cp);
            } catch (IOException e) {
                throw new ModelFormatException(model.getFileName() + ": whisper.cpp could not load the model: "
                        + e.getMessage(), e);
            }
            if (ctx == null) {
                throw new ModelFormatException(model.getFileName() + ": whisper.cpp refused the model (see the log)");
            }
            WhisperRecognizer r = new WhisperRecognizer(model, hp, settings, ctx);
            for (int i = 0; i < settings.spareStates(); i++) {
                r.fresh.add(r.newState());
            }
            LOG.debug("loaded {} ({}), multilingual={}", model, hp, hp.multilingual());
            return r;
        } finally {
            MAPS.writeLock().unlock();
        }
    }

    private static WhisperJNI library() {
        WhisperJNI w = jni;
        if (w == null) {
            synchronized (WhisperRecognizer.class) {
                w = jni;
                if (w == null) {
                    try {
                        // whisper-jni extracts its libraries under java.io.tmpdir and fails when it is missing
                        java.nio.file.Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
                        WhisperJNI.loadLibrary(msg -> LOG.debug("whisper-jni: {}", msg));
                        // route nothing to stderr: whisper.cpp's log callback is installed but silent
                        WhisperJNI.setLibraryLogger(null);
                    } catch (IOException | LinkageError e) {
                        throw new RecognitionException("cannot load whisper-jni's native library: " + e, e);
                    }
                    w = new WhisperJNI();
                    jni = w;
                }
            }
        }
        return w;
    }

    /** Must hold the write lock. */
    private WhisperState newState() {
        WhisperState s = jni.initState(context);
        if (s == null) {
            throw new RecognitionException("whisper.cpp could not allocate a decoding state (out of memory?)");
        }
        return s;
    }

    /** The model's hyper-parameters. */
    public GgmlHParams hparams() {
        return hparams;
    }

    /** True for multilingual models. */
    public boolean multilingual() {
        return hparams.multilingual();
    }

    @Override
    public Transcript transcribe(AudioClip audio, RecognitionOptions options) {
        if (audio == null || audio.isEmpty()) {
            throw new AudioFormatException("cannot transcribe empty audio");
        }
        RecognitionOptions opt = options == null ? RecognitionOptions.defaults() : options;
        float[] pcm = audio.toMono(LogMel.SAMPLE_RATE).samples();
        int n = pcm.length;
        if (pcm.length < MIN_SAMPLES) {
            pcm = java.util.Arrays.copyOf(pcm, MIN_SAMPLES);
        }
        int threads = opt.threads() > 0 ? opt.threads() : settings.threads();
        String language = language(opt, pcm, threads);
        WhisperFullParams p = params(opt, language, threads);

        WhisperState state = fresh.poll();
        if (state == null) {
            MAPS.writeLock().lock();
            try {
                ensureOpen();
                state = newState();
            } finally {
                MAPS.writeLock().unlock();
            }
        }
        List<Segment> segments = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        MAPS.readLock().lock();
        try {
            ensureOpen();
            int rc = jni.fullWithState(context, state, p, pcm, pcm.length);
            if (rc != 0) {
                throw new RecognitionException("whisper.cpp failed with code " + rc);
            }
            int count = jni.fullNSegmentsFromState(state);
            double audioEnd = n / (double) LogMel.SAMPLE_RATE;
            for (int i = 0; i < count; i++) {
                String s = jni.fullGetSegmentTextFromState(state, i);
                long t0 = jni.fullGetSegmentTimestamp0FromState(state, i);
                long t1 = jni.fullGetSegmentTimestamp1FromState(state, i);
                Duration start = centis(t0, audioEnd);
                Duration end = centis(t1, audioEnd);
                if (end.compareTo(start) < 0) {
                    end = start;
                }
                segments.add(new Segment(s == null ? "" : s, start, end));
                text.append(s == null ? "" : s);
            }
        } finally {
            MAPS.readLock().unlock();
            used.add(state);
            maintain();
        }
        return new Transcript(text.toString().strip(), language, segments);
    }

    /** Whisper timestamps are in 10 ms units; nonsense values (negative, past the end) are clamped. */
    private static Duration centis(long t, double audioEnd) {
        double s = Math.min(Math.max(0, t) / 100.0, Math.max(audioEnd, 0));
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    /** Frees used states and tops up the spare ones when no call is inside whisper.cpp. */
    private void maintain() {
        if (!MAPS.writeLock().tryLock()) {
            return;
        }
        try {
            for (WhisperState s; (s = used.poll()) != null;) {
                s.close();
            }
            if (!closed) {
                while (fresh.size() < settings.spareStates()) {
                    fresh.add(newState());
                }
            }
        } finally {
            MAPS.writeLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("recognizer is closed");
        }
    }

    private String language(RecognitionOptions opt, float[] pcm, int threads) {
        String lang = opt.language() != null ? opt.language() : settings.language();
        if (lang != null && !lang.isBlank() && !lang.equalsIgnoreCase("auto")) {
            return lang.strip().toLowerCase(java.util.Locale.ROOT);
        }
        if (!hparams.multilingual()) {
            return "en";
        }
        if (!settings.detectLanguage()) {
            return null;
        }
        return detect(pcm, threads);
    }

    /** whisper.cpp's language detection through JNA on a JNA-owned context (created on first use). */
    private String detect(float[] pcm, int threads) {
        NativeWhisper.Api api;
        Pointer ctx;
        synchronized (this) {
            ensureOpen();
            api = NativeWhisper.api();
            if (detectCtx == null) {
                detectCtx = api.whisper_init_from_file_no_state(model.toAbsolutePath().toString());
                if (detectCtx == null) {
                    throw new RecognitionException("whisper.cpp could not load " + model + " for language detection");
                }
            }
            ctx = detectCtx;
        }
        MAPS.readLock().lock();
        try {
            ensureOpen();
            Pointer state = api.whisper_init_state(ctx);
            if (state == null) {
                throw new RecognitionException("whisper.cpp could not allocate a state for language detection");
            }
            try {
                if (api.whisper_pcm_to_mel_with_state(ctx, state, pcm, pcm.length, threads) != 0) {
                    throw new RecognitionException("whisper.cpp could not compute the log-mel for language detection");
                }
                float[] probs = new float[api.whisper_lang_max_id() + 1];
                int id = api.whisper_lang_auto_detect_with_state(ctx, state, 0, threads, probs);
                if (id < 0) {
                    throw new RecognitionException("whisper.cpp language detection failed (" + id + ")");
                }
                String code = api.whisper_lang_str(id);
                LOG.debug("detected language {} (p = {})", code, probs[id]);
                return code;
            } finally {
                api.whisper_free_state(state);
            }
        } finally {
            MAPS.readLock().unlock();
        }
    }

    private WhisperFullParams params(RecognitionOptions opt, String language, int threads) {
        boolean beam = opt.beamSize() > 1;
        WhisperFullParams p = new WhisperFullParams(beam ? WhisperSamplingStrategy.BEAN_SEARCH : WhisperSamplingStrategy.GREEDY);
        p.nThreads = threads;
        p.language = language;
        p.detectLanguage = false;
        p.translate = opt.translate();
        p.initialPrompt = opt.initialPrompt();
        p.noContext = true;
        p.noTimestamps = opt.noTimestamps();
        p.singleSegment = opt.singleSegment();
        p.printProgress = false;
        p.printRealtime = false;
        p.printSpecial = false;
        p.printTimestamps = false;
        p.temperature = opt.temperature();
        p.temperatureInc = opt.temperatureIncrement();
        p.greedyBestOf = settings.bestOf();
        p.beamSearchBeamSize = Math.max(2, opt.beamSize());
        return p;
    }

    /** Waits for running calls, then frees the native context and states. Idempotent. */
    @Override
    public void close() {
        MAPS.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (WhisperState s; (s = fresh.poll()) != null;) {
                s.close();
            }
            for (WhisperState s; (s = used.poll()) != null;) {
                s.close();
            }
            context.close();
            synchronized (this) {
                if (detectCtx != null) {
                    NativeWhisper.api().whisper_free(detectCtx);
                    detectCtx = null;
                }
            }
        } finally {
            MAPS.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "WhisperRecognizer[" + model.getFileName() + ", " + settings + "]";
    }
}
