package dev.s2s.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import dev.s2s.api.internal.PipelineConfigReader;
import dev.s2s.api.internal.PipelineTurn;
import dev.s2s.api.internal.StageRunner;

/**
 * Speech in, speech out: one of the two methods of {@link PipelineMethod} over pluggable
 * components. Build it with {@link #builder()} or load it from one JSON file with
 * {@link #fromConfig(Path)}.
 *
 * <ul>
 *   <li>{@link #run(AudioClip)} returns a {@link Reply} with the audio, the intermediate text or
 *       tokens, and per-stage timings.</li>
 *   <li>{@link #stream(AudioClip, PipelineListener)} overlaps the language model and the
 *       synthesizer through a {@link SentenceChunker}: the first sentence is spoken while the
 *       model is still writing the rest, and events report each step.</li>
 *   <li>{@link #conversation()} keeps chat history across turns (text method).</li>
 * </ul>
 *
 * <p><b>Threads.</b> Stages that call native code run on platform threads: when the caller is a
 * virtual thread, or when a stage has a timeout, the stage is handed to the pipeline's own
 * platform-thread pool. A native call cannot be interrupted, so cancellation (a
 * {@link CancellationToken}) and timeouts take effect between stages, tokens and synthesis chunks;
 * a timed-out native call finishes in the background and its result is dropped.
 *
 * <p><b>Errors</b> raised inside a stage are wrapped in {@link PipelineException} naming the stage.
 *
 * <p><b>Thread safety.</b> The pipeline keeps no per-turn state, so one instance may serve many
 * threads at once, provided its components are thread-safe (each provider documents that).
 * {@link #close()} closes the components the pipeline owns (all of them when built from a
 * configuration; those passed to the builder only with {@link Builder#closeComponents(boolean)}).
 */
public final class SpeechPipeline implements AutoCloseable {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Settings settings;
    private final List<AutoCloseable> owned;
    private final ExecutorService executor;
    private final StageRunner stages;
    private volatile boolean closed;

    /**
     * The components and options of a pipeline, as built. Not API: use {@link Builder}.
     *
     * @param method             the method
     * @param soft               token method: feed projected vectors as embeddings, skipping the snapper
     * @param addBos             token method: put the vocabulary's BOS id before the snapped ids
     * @param recognizer         text method's recognizer, or null
     * @param recognitionOptions recognition options
     * @param encoder            token method's encoder, or null
     * @param projector          token method's projector, or null
     * @param snapper            token method's snapper, or null
     * @param snapOptions        snap options
     * @param languageModel      the language model
     * @param generationOptions  generation options
     * @param systemPrompt       system message (makes prompts chat prompts), or null
     * @param promptTemplate     template with {@code {input}}, or null for the input as is
     * @param synthesizer        the synthesizer
     * @param synthesisOptions   synthesis options
     * @param timeouts           per-stage timeouts
     */
    public record Settings(PipelineMethod method, boolean soft, boolean addBos, SpeechRecognizer recognizer,
            RecognitionOptions recognitionOptions, AudioEncoder encoder, EmbeddingProjector projector,
            TokenSnapper snapper, SnapOptions snapOptions, LanguageModel languageModel,
            GenerationOptions generationOptions, String systemPrompt, String promptTemplate,
            SpeechSynthesizer synthesizer, SynthesisOptions synthesisOptions, Map<Stage, Duration> timeouts) {

        /** Validates that the method has what it needs, and copies. */
        public Settings {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(languageModel, "a language model is required");
            Objects.requireNonNull(synthesizer, "a synthesizer is required");
            if (method == PipelineMethod.TOKENS) {
                Objects.requireNonNull(encoder, "the token method needs an audio encoder");
                Objects.requireNonNull(projector, "the token method needs a projector");
                if (!soft) {
                    Objects.requireNonNull(snapper, "the token method needs a snapper (or the soft option)");
                }
            }
            if (promptTemplate != null && !promptTemplate.contains("{input}")) {
                throw new ConfigException("promptTemplate must contain {input}: " + promptTemplate);
            }
            timeouts = Map.copyOf(timeouts);
        }
    }

    private SpeechPipeline(Settings settings, List<AutoCloseable> owned) {
        this.settings = settings;
        this.owned = List.copyOf(owned);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "s2s-pipeline-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.stages = new StageRunner(executor, settings.timeouts());
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads a whole pipeline from a JSON file, creating every component through {@link S2s}.
     * See {@link #fromConfig(ProviderConfig)} for the format.
     */
    public static SpeechPipeline fromConfig(Path file) {
        return fromConfig(ProviderConfig.read(file));
    }

    /**
     * Builds a pipeline from configuration, e.g.
     * <pre>{@code
     * { "method": "text",
     *   "recognizer":  { "provider": "whisper", "model": "ggml-base.en.bin", "language": "en" },
     *   "llm":         { "provider": "llama", "model": "model.gguf", "system": "You are ...", "maxTokens": 128 },
     *   "synthesizer": { "provider": "marytts", "voice": "cmu-slt-hsmm" } }
     * }</pre>
     * The token method takes {@code "encoder"}, {@code "projector"} and {@code "snapper"} sections
     * instead of {@code "recognizer"}, and {@code "soft": true} skips the snapper. Options live in
     * their component's section (e.g. {@code "temperature"} in {@code "llm"}, {@code "voice"} in
     * {@code "synthesizer"}, {@code "metric"} in {@code "snapper"}); {@code "timeouts"} maps stage
     * names to seconds. The pipeline owns and closes every component it created.
     */
    public static SpeechPipeline fromConfig(ProviderConfig config) {
        List<AutoCloseable> created = new ArrayList<>();
        try {
            Settings s = PipelineConfigReader.read(config, created);
            return new SpeechPipeline(s, created);
        } catch (RuntimeException e) {
            closeAll(created, e);
            throw e;
        }
    }

    /** The settings in force. */
    public Settings settings() {
        return settings;
    }

    /** One turn from speech. */
    public Reply run(AudioClip audio) {
        return run(audio, CancellationToken.none());
    }

    /** One turn from speech, cancellable from another thread. */
    public Reply run(AudioClip audio, CancellationToken cancel) {
        return turn(audio, null, List.of(), false, PipelineListener.NONE, false, cancel);
    }

    /** One turn from text, skipping recognition (or the encoder, projector and snapper). */
    public Reply runText(String text) {
        return runText(text, CancellationToken.none());
    }

    /** One turn from text, cancellable. */
    public Reply runText(String text, CancellationToken cancel) {
        return turn(null, requireText(text), List.of(), false, PipelineListener.NONE, false, cancel);
    }

    /** One streaming turn from speech: synthesis overlaps generation sentence by sentence. */
    public Reply stream(AudioClip audio, PipelineListener listener) {
        return stream(audio, listener, CancellationToken.none());
    }

    /** One streaming turn from speech, cancellable. */
    public Reply stream(AudioClip audio, PipelineListener listener, CancellationToken cancel) {
        return turn(audio, null, List.of(), false, listener, true, cancel);
    }

    /** One streaming turn from text. */
    public Reply streamText(String text, PipelineListener listener) {
        return streamText(text, listener, CancellationToken.none());
    }

    /** One streaming turn from text, cancellable. */
    public Reply streamText(String text, PipelineListener listener, CancellationToken cancel) {
        return turn(null, requireText(text), List.of(), false, listener, true, cancel);
    }

    /** A new multi-turn conversation over this pipeline. */
    public Conversation conversation() {
        return new Conversation(this);
    }

    Reply turn(AudioClip audio, String text, List<ChatMessage> history, boolean chat, PipelineListener listener,
            boolean streaming, CancellationToken cancel) {
        if (closed) {
            throw new IllegalStateException("pipeline is closed");
        }
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(cancel, "cancel");
        return new PipelineTurn(settings, stages, listener, streaming, cancel).run(audio, text, history, chat);
    }

    static String requireText(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text must not be blank");
        }
        return text;
    }

    /** Closes the owned components and the thread pool. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        executor.shutdown();
        closeAll(owned, null);
    }

    private static void closeAll(List<AutoCloseable> components, RuntimeException primary) {
        RuntimeException failure = primary;
        for (int i = components.size() - 1; i >= 0; i--) {
            try {
                components.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new S2sException("closing " + components.get(i).getClass().getSimpleName() + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null && primary == null) {
            throw failure;
        }
    }

    /** Builder for {@link SpeechPipeline}. Not thread-safe. */
    public static final class Builder {
        private PipelineMethod method = PipelineMethod.TEXT;
        private boolean soft;
        private boolean addBos = true;
        private SpeechRecognizer recognizer;
        private RecognitionOptions recognitionOptions = RecognitionOptions.defaults();
        private AudioEncoder encoder;
        private EmbeddingProjector projector;
        private TokenSnapper snapper;
        private SnapOptions snapOptions = SnapOptions.defaults();
        private LanguageModel languageModel;
        private GenerationOptions generationOptions = GenerationOptions.defaults();
        private String systemPrompt;
        private String promptTemplate;
        private SpeechSynthesizer synthesizer;
        private SynthesisOptions synthesisOptions = SynthesisOptions.defaults();
        private final Map<Stage, Duration> timeouts = new EnumMap<>(Stage.class);
        private boolean closeComponents;

        private Builder() {
        }

        /** @param v the method (default TEXT) @return this */
        public Builder method(PipelineMethod v) {
            method = v;
            return this;
        }

        /** @param v token method: skip the snapper and feed embeddings @return this */
        public Builder soft(boolean v) {
            soft = v;
            return this;
        }

        /** @param v token method: prepend the BOS id to snapped tokens (default true) @return this */
        public Builder addBos(boolean v) {
            addBos = v;
            return this;
        }

        /** @param v the recognizer (text method) @return this */
        public Builder recognizer(SpeechRecognizer v) {
            recognizer = v;
            return this;
        }

        /** @param v recognition options @return this */
        public Builder recognitionOptions(RecognitionOptions v) {
            recognitionOptions = Objects.requireNonNull(v);
            return this;
        }

        /** @param v the audio encoder (token method) @return this */
        public Builder audioEncoder(AudioEncoder v) {
            encoder = v;
            return this;
        }

        /** @param v the projector (token method) @return this */
        public Builder projector(EmbeddingProjector v) {
            projector = v;
            return this;
        }

        /** @param v the snapper (token method) @return this */
        public Builder snapper(TokenSnapper v) {
            snapper = v;
            return this;
        }

        /** @param v snap options; a projector's blank is used when these have none @return this */
        public Builder snapOptions(SnapOptions v) {
            snapOptions = Objects.requireNonNull(v);
            return this;
        }

        /** @param v the language model @return this */
        public Builder languageModel(LanguageModel v) {
            languageModel = v;
            return this;
        }

        /** @param v generation options @return this */
        public Builder generationOptions(GenerationOptions v) {
            generationOptions = Objects.requireNonNull(v);
            return this;
        }

        /** @param v a system message; when set, prompts are chat prompts @return this */
        public Builder systemPrompt(String v) {
            systemPrompt = v;
            return this;
        }

        /** @param v a template containing {@code {input}}, e.g. {@code "Translate to French: {input}"} @return this */
        public Builder promptTemplate(String v) {
            promptTemplate = v;
            return this;
        }

        /** @param v the synthesizer @return this */
        public Builder synthesizer(SpeechSynthesizer v) {
            synthesizer = v;
            return this;
        }

        /** @param v synthesis options @return this */
        public Builder synthesisOptions(SynthesisOptions v) {
            synthesisOptions = Objects.requireNonNull(v);
            return this;
        }

        /** @param stage a stage @param timeout its time limit @return this */
        public Builder timeout(Stage stage, Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            timeouts.put(stage, timeout);
            return this;
        }

        /** @param v let {@link SpeechPipeline#close()} close the components given here @return this */
        public Builder closeComponents(boolean v) {
            closeComponents = v;
            return this;
        }

        /** @return the pipeline */
        public SpeechPipeline build() {
            Settings s = new Settings(method, soft, addBos, recognizer, recognitionOptions, encoder, projector, snapper,
                    snapOptions, languageModel, generationOptions, systemPrompt, promptTemplate, synthesizer,
                    synthesisOptions, timeouts);
            List<AutoCloseable> owned = new ArrayList<>();
            if (closeComponents) {
                for (AutoCloseable c : new AutoCloseable[] {recognizer, encoder, projector, snapper, languageModel,
                        synthesizer}) {
                    if (c != null) {
                        owned.add(c);
                    }
                }
            }
            return new SpeechPipeline(s, owned);
        }
    }
}
