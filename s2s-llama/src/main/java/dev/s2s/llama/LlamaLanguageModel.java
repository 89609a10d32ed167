package dev.s2s.llama;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;

import dev.s2s.api.CancellationToken;
import dev.s2s.api.ChatMessage;
import dev.s2s.api.ConfigException;
import dev.s2s.api.Generation;
import dev.s2s.api.GenerationException;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.ModelFormatException;
import dev.s2s.api.Prompt;
import dev.s2s.api.StopReason;
import dev.s2s.api.TokenListener;
import dev.s2s.api.TokenMatrix;
import dev.s2s.api.UnsupportedPromptException;
import dev.s2s.api.Vocabulary;
import dev.s2s.formats.GgufFile;
import dev.s2s.llama.internal.DaemonAttach;
import dev.s2s.llama.internal.NativeSetup;
import dev.s2s.llama.internal.PieceMatcher;
import dev.s2s.llama.internal.RawParams;
import dev.s2s.llama.internal.StopMatcher;

/**
 * A GGUF language model run by llama.cpp through java-llama.cpp ({@code de.kherud:llama}).
 *
 * <h2>Prompts</h2>
 * <ul>
 * <li>{@link Prompt.Text}: tokenized by llama.cpp, with BOS where the model uses one.</li>
 * <li>{@link Prompt.Chat}: rendered with the model's own Jinja chat template (GGUF
 * {@code tokenizer.chat_template}, or the {@code chatTemplate} setting), then treated as text. A
 * model without a template does not list {@code CHAT} in {@link #supportedPrompts()} and refuses
 * chat prompts with {@link UnsupportedPromptException}.</li>
 * <li>{@link Prompt.Tokens}: fed to llama.cpp exactly as given, with no BOS added. java-llama.cpp
 * has no token-id entry point, but the llama.cpp server it embeds accepts a JSON array of ids as
 * the prompt, which it uses verbatim; the array is put into the request directly, so no
 * detokenize/retokenize round trip can change the ids. Ids are checked against the vocabulary in
 * Java first.</li>
 * <li>{@link Prompt.Mixed} of text and token parts: the same JSON array, strings and ids in order
 * (BOS only when the first part is text). Embedding parts (and {@link Prompt.Embeddings}) are
 * refused: java-llama.cpp cannot take input embeddings.</li>
 * </ul>
 *
 * <h2>Generation</h2>
 * All {@link GenerationOptions} apply (grammar as GBNF, JSON schema through llama.cpp's converter).
 * Stop strings are matched here, in Java: text that could still become a stop string is held back,
 * so the {@link TokenListener} never sees part of one. Pieces reach the listener as llama.cpp
 * produces them, each with its token id, or -1 when a piece held back text or spans several
 * tokens. java-llama.cpp 4.2.0 streams text only, so ids are recovered by matching pieces against
 * llama.cpp's own rendering of every token (see {@link PieceMatcher}); {@link Generation#tokens()}
 * holds the generated ids without the final end-of-generation token. Cancellation is checked
 * between tokens and stops native work at once. The end-of-sequence stop, the token limit and a
 * full context (context shifting is off) are reported as such.
 *
 * <h2>Files and native code</h2>
 * The model (and each LoRA adapter) is validated by the pure-Java {@link GgufFile} reader before
 * llama.cpp sees it; the model file stays mapped for {@link #tokenEmbeddings()} until
 * {@link #close()}. Upstream problems are worked around: the native library is extracted into a
 * private per-process directory, llama.cpp's log goes to SLF4J (or nowhere) instead of stderr, and
 * java-llama.cpp's worker thread is made a daemon so a program can exit (java-llama.cpp#116).
 *
 * <h2>Thread safety</h2>
 * Thread-safe. {@code generate} calls on one model are serialized (one runs at a time, the others
 * wait); {@code tokenize}, {@code detokenize} and {@code tokenEmbeddings} may run concurrently with
 * them. {@code close} waits for a running generation to finish; cancel it first to close quickly.
 * After {@code close}, every method throws {@link IllegalStateException}.
 */
public final class LlamaLanguageModel implements LanguageModel {

    private static final Logger LOG = LoggerFactory.getLogger(LlamaLanguageModel.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_MAX_CONTEXT = 2048;

    private final LlamaSettings settings;
    private final GgufFile gguf;
    private final Vocabulary vocabulary;
    private final LlamaModel model;
    private final PieceMatcher pieces;
    private final int contextSize;
    private final boolean addBos;
    private final boolean addSpacePrefix;
    private final boolean hasChatTemplate;
    private final ReentrantLock generating = new ReentrantLock(true);
    private final ReentrantReadWriteLock state = new ReentrantReadWriteLock();
    private volatile TokenMatrix embeddings;
    private volatile boolean closed;

    private LlamaLanguageModel(LlamaSettings settings, GgufFile gguf, Vocabulary vocabulary, LlamaModel model,
            int contextSize, boolean hasChatTemplate) {
        this.settings = settings;
        this.gguf = gguf;
        this.vocabulary = vocabulary;
        this.model = model;
        this.contextSize = contextSize;
        this.hasChatTemplate = hasChatTemplate;
        String tokenizer = gguf.string("tokenizer.ggml.model").orElse("");
        this.addBos = flag(gguf, "tokenizer.ggml.add_bos_token", tokenizer.equals("llama") || tokenizer.equals("bert"));
        this.addSpacePrefix = flag(gguf, "tokenizer.ggml.add_space_prefix", tokenizer.equals("llama"));
        this.pieces = new PieceMatcher(vocabulary, id -> model.decode(new int[] {id}));
    }

    private static boolean flag(GgufFile f, String key, boolean def) {
        return f.get(key).map(v -> v instanceof Boolean b ? b : def).orElse(def);
    }

    /**
     * Validates the files and loads the model.
     *
     * @throws ModelFormatException when the model or an adapter is not a valid GGUF file, or llama.cpp refuses it
     * @throws ConfigException      when an adapter is not a LoRA adapter
     */
    public static LlamaLanguageModel open(LlamaSettings settings) {
        GgufFile gguf = GgufFile.open(settings.model());
        try {
            if (gguf.string("general.type").filter("adapter"::equals).isPresent()) {
                throw new ModelFormatException(settings.model().getFileName() + " is a LoRA adapter, not a model");
            }
            Vocabulary vocabulary = gguf.vocabulary();
            for (LlamaSettings.Lora lora : settings.loras()) {
                try (GgufFile a = GgufFile.open(lora.path())) {
                    String type = a.string("general.type").orElse("(none)");
                    if (!type.equals("adapter") || !a.string("adapter.type").orElse("lora").equals("lora")) {
                        throw new ConfigException(lora.path() + " is not a LoRA adapter (general.type " + type
                                + ", expected adapter)");
                    }
                }
            }
            int trained = (int) Math.min(Integer.MAX_VALUE, gguf.architecture()
                    .flatMap(a -> gguf.integer(a + ".context_length")).orElse((long) DEFAULT_MAX_CONTEXT));
            int ctx = settings.contextSize() > 0 ? settings.contextSize() : Math.min(DEFAULT_MAX_CONTEXT, trained);
            boolean template = settings.chatTemplate() != null || gguf.chatTemplate().isPresent();

            ModelParameters p = new ModelParameters().setModel(settings.model().toAbsolutePath().toString())
                    .setCtxSize(ctx).setThreads(settings.threads()).setThreadsBatch(settings.batchThreads())
                    .setSeed(settings.seed()).setParallel(1).disableContextShift().disableLog();
            if (settings.gpuLayers() > 0) {
                // only when asked: llama.cpp's argument parser warns on stderr about --gpu-layers without a GPU
                p.setGpuLayers(settings.gpuLayers());
            }
            if (template) {
                p.enableJinja();
            }
            if (settings.chatTemplate() != null) {
                p.setChatTemplate(settings.chatTemplate());
            }
            // java-llama.cpp's addLoraScaledAdapter is broken (one argument instead of two, one adapter at most):
            // pass the adapters to llama.cpp as explicit arguments instead
            List<String> args = new java.util.ArrayList<>(List.of(p.toArray()));
            for (LlamaSettings.Lora lora : settings.loras()) {
                args.addAll(List.of("--lora-scaled", lora.path().toAbsolutePath().toString(),
                        Float.toString(lora.scale())));
            }
            NativeSetup.ensureLoaded();
            long t0 = System.nanoTime();
            LlamaModel m;
            try {
                m = DaemonAttach.run(() -> settings.loras().isEmpty() ? new LlamaModel(p) : RawParams.load(args),
                        RawParams::hasNativeContext);
            } catch (RuntimeException e) {
                throw wrapNative(e, loadFailure(settings), ModelFormatException::new);
            } finally {
                NativeSetup.routeLog(settings.nativeLog());
            }
            if (!RawParams.hasNativeContext(m)) {
                throw new ModelFormatException(loadFailure(settings) + ": java-llama.cpp gives no reason");
            }
            try {
                LlamaLanguageModel model = new LlamaLanguageModel(settings, gguf, vocabulary, m, ctx, template);
                LOG.debug("loaded {} in {} ms (context {}, {} threads)", settings.model().getFileName(),
                        (System.nanoTime() - t0) / 1_000_000, ctx, settings.threads());
                return model;
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
        } catch (RuntimeException e) {
            gguf.close();
            throw e;
        }
    }

    private static String loadFailure(LlamaSettings settings) {
        return "llama.cpp could not load " + settings.model() + (settings.loras().isEmpty() ? ""
                : " with the LoRA adapters " + settings.loras().stream().map(l -> l.path().getFileName().toString())
                        .toList() + " (check that they were made for this model)");
    }

    /** The settings the model was loaded with. */
    public LlamaSettings settings() {
        return settings;
    }

    /** The context window in tokens. */
    public int contextSize() {
        return contextSize;
    }

    /** The vocabulary, as read from the GGUF file. */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public Set<Prompt.Kind> supportedPrompts() {
        return hasChatTemplate ? EnumSet.of(Prompt.Kind.TEXT, Prompt.Kind.CHAT, Prompt.Kind.TOKENS, Prompt.Kind.MIXED)
                : EnumSet.of(Prompt.Kind.TEXT, Prompt.Kind.TOKENS, Prompt.Kind.MIXED);
    }

    @Override
    public void checkPrompt(Prompt prompt) {
        if (prompt instanceof Prompt.Chat && !hasChatTemplate) {
            throw new UnsupportedPromptException(settings.model().getFileName()
                    + " has no chat template (tokenizer.chat_template); set 'chatTemplate' or use a text prompt");
        }
        if (prompt instanceof Prompt.Embeddings) {
            throw new UnsupportedPromptException("llama does not accept EMBEDDINGS prompts: java-llama.cpp cannot take"
                    + " input embeddings; it accepts " + supportedPrompts());
        }
        if (prompt instanceof Prompt.Mixed m && m.parts().stream().anyMatch(Prompt.Embeddings.class::isInstance)) {
            throw new UnsupportedPromptException("llama does not accept embedding parts in MIXED prompts: java-llama.cpp"
                    + " cannot take input embeddings");
        }
        LanguageModel.super.checkPrompt(prompt);
    }

    /** The text a chat prompt renders to with the model's chat template (with the assistant turn opened). */
    public String renderChat(List<ChatMessage> messages) {
        checkPrompt(Prompt.chat(messages));
        ObjectNode req = JSON.createObjectNode();
        ArrayNode arr = req.putArray("messages");
        boolean hasSystem = messages.stream().anyMatch(m -> m.role() == ChatMessage.Role.SYSTEM);
        if (!hasSystem && settings.systemPrompt() != null) {
            arr.addObject().put("role", "system").put("content", settings.systemPrompt());
        }
        for (ChatMessage m : messages) {
            arr.addObject().put("role", m.role().id()).put("content", m.content());
        }
        return read(() -> {
            try {
                return model.applyTemplate(req.toString());
            } catch (RuntimeException e) {
                throw wrapNative(e, "cannot render the chat template", GenerationException::new);
            }
        });
    }

    @Override
    public Generation generate(Prompt prompt, GenerationOptions options, TokenListener listener,
            CancellationToken cancel) {
        checkPrompt(prompt);
        long start = System.nanoTime();
        if (prompt instanceof Prompt.Chat c) {
            prompt = Prompt.text(renderChat(c.messages()));
        }
        ArrayNode parts = JSON.createArrayNode();
        int promptTokens = 0;
        List<Prompt> list = prompt instanceof Prompt.Mixed m ? m.parts() : List.of(prompt);
        for (Prompt part : list) {
            if (part instanceof Prompt.Text t) {
                parts.add(t.text());
                promptTokens += tokenize(t.text()).length + (parts.size() == 1 && addBos ? 1 : 0);
            } else if (part instanceof Prompt.Tokens t) {
                int[] ids = t.ids();
                checkIds(ids);
                Arrays.stream(ids).forEach(parts::add);
                promptTokens += ids.length;
            }
        }
        if (promptTokens == 0) {
            throw new GenerationException("the prompt is empty");
        }
        if (promptTokens >= contextSize) {
            throw new GenerationException("the prompt has " + promptTokens + " tokens; it does not fit the context of "
                    + contextSize + " (set 'contextSize')");
        }
        String promptJson = parts.size() == 1 && parts.get(0).isTextual() ? parts.get(0).toString() : parts.toString();
        // with context shifting off, llama.cpp ends a generation that would overflow the context with an error
        int budget = Math.min(options.maxTokens(), contextSize - promptTokens - 1);
        InferenceParameters ip = parameters(options, promptJson).setNPredict(Math.max(1, budget));
        generating.lock();
        try {
            int pt = promptTokens;
            return read(() -> run(ip, options, pt, listener, cancel, start));
        } finally {
            generating.unlock();
        }
    }

    private InferenceParameters parameters(GenerationOptions o, String promptJson) {
        InferenceParameters ip = new InferenceParameters("").setNPredict(o.maxTokens()).setTemperature(o.temperature())
                .setTopK(o.topK()).setTopP(o.topP()).setMinP(o.minP()).setRepeatPenalty(o.repeatPenalty())
                .setSeed((int) o.seed());
        RawParams.put(ip, "prompt", promptJson);
        if (o.grammar() != null) {
            ip.setGrammar(o.grammar());
        }
        if (o.jsonSchema() != null) {
            try {
                RawParams.put(ip, "json_schema", JSON.readTree(o.jsonSchema()).toString());
            } catch (JsonProcessingException e) {
                throw new GenerationException("the JSON schema is not valid JSON: " + e.getOriginalMessage(), e);
            }
        }
        return ip;
    }

    private Generation run(InferenceParameters ip, GenerationOptions o, int promptTokens, TokenListener listener,
            CancellationToken cancel, long start) {
        StopMatcher stop = new StopMatcher(o.stop());
        int[] ids = new int[Math.min(o.maxTokens(), 4096)];
        int n = 0;
        long first = 0;
        long last = 0;
        StopReason reason = null;
        boolean released = false;
        LlamaIterator it;
        try {
            it = model.generate(ip).iterator();
        } catch (RuntimeException e) {
            throw wrapNative(e, "llama.cpp refused the request", GenerationException::new);
        }
        try {
            while (it.hasNext()) {
                if (cancel.isCancelled()) {
                    reason = StopReason.CANCELLED;
                    break;
                }
                LlamaOutput out = it.next();
                long now = System.nanoTime();
                if (first == 0) {
                    first = now;
                }
                if (out.text.isEmpty()) {
                    continue; // an end-of-generation token, or the closing message
                }
                last = now;
                int[] tid = pieces.ids(out.text);
                if (n + tid.length > ids.length) {
                    ids = Arrays.copyOf(ids, Math.max(n + tid.length, ids.length * 2));
                }
                System.arraycopy(tid, 0, ids, n, tid.length);
                n += tid.length;
                String safe = stop.feed(out.text);
                if (!safe.isEmpty()) {
                    listener.onToken(safe.equals(out.text) && tid.length == 1 ? tid[0] : -1, safe);
                }
                if (stop.stopped()) {
                    reason = StopReason.STOP_STRING;
                    break;
                }
            }
        } catch (RuntimeException e) {
            if (e.getMessage() == null || !e.getMessage().contains("context shift is disabled")) {
                throw wrapNative(e, "generation failed", GenerationException::new);
            }
            reason = StopReason.CONTEXT_FULL; // llama.cpp already released the request
            released = true;
        } finally {
            if (!released && it.hasNext()) {
                it.cancel(); // stop native work: cancelled, stop string, or the listener threw
            }
        }
        if (reason == null || reason == StopReason.CONTEXT_FULL) {
            String rest = stop.flush();
            if (!rest.isEmpty()) {
                listener.onToken(-1, rest);
            }
            if (reason != null) {
                // CONTEXT_FULL reported by llama.cpp
            } else if (n >= o.maxTokens()) {
                reason = StopReason.MAX_TOKENS;
            } else if (promptTokens + n + 1 >= contextSize) {
                reason = StopReason.CONTEXT_FULL;
            } else {
                reason = StopReason.END_OF_SEQUENCE;
            }
        }
        long end = System.nanoTime();
        double tps = n > 1 && last > first ? (n - 1) / ((last - first) / 1e9) : 0;
        return new Generation(stop.text(), Arrays.copyOf(ids, n), reason, promptTokens,
                Duration.ofNanos(first == 0 ? 0 : first - start), Duration.ofNanos(end - start), tps);
    }

    /** Wraps java-llama.cpp's (package-private) {@code LlamaException}; other exceptions pass through. */
    private static RuntimeException wrapNative(RuntimeException e, String what,
            java.util.function.BiFunction<String, Throwable, ? extends RuntimeException> wrap) {
        return e.getClass().getName().equals("de.kherud.llama.LlamaException")
                ? wrap.apply(what + ": " + e.getMessage(), e) : e;
    }

    private void checkIds(int[] ids) {
        for (int id : ids) {
            if (id < 0 || id >= vocabulary.size()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of "
                        + vocabulary.size());
            }
        }
    }

    @Override
    public int[] tokenize(String text) {
        java.util.Objects.requireNonNull(text, "text");
        return read(() -> model.encode(text));
    }

    /**
     * {@inheritDoc} As llama.cpp's own detokenizer does, the space a SentencePiece model puts in
     * front of the first word is dropped, so {@code detokenize(tokenize(s))} gives {@code s} back.
     * Control tokens render as their text (e.g. {@code <s>}).
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    @Override
    public String detokenize(int[] tokens) {
        checkIds(tokens);
        String s = read(() -> model.decode(tokens));
        return addSpacePrefix && s.startsWith(" ") && tokens.length > 0 && vocabulary.type(tokens[0]) != Vocabulary.CONTROL
                ? s.substring(1) : s;
    }

    /**
     * {@inheritDoc} Read by the pure-Java GGUF reader: F32/F16 stay memory-mapped, other types are
     * dequantized once. Valid until {@link #close()}.
     */
    @Override
    public TokenMatrix tokenEmbeddings() {
        TokenMatrix m = embeddings;
        if (m == null) {
            synchronized (this) {
                m = embeddings;
                if (m == null) {
                    m = read(gguf::tokenEmbeddings);
                    embeddings = m;
                }
            }
        }
        return m;
    }

    private <T> T read(java.util.function.Supplier<T> action) {
        state.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the model is closed");
            }
            return action.get();
        } finally {
            state.readLock().unlock();
        }
    }

    /** Frees the native model and unmaps the file. Waits for a running generation. Idempotent. */
    @Override
    public void close() {
        state.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                model.close();
            } finally {
                gguf.close();
            }
        } finally {
            state.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "LlamaLanguageModel[" + settings.model().getFileName() + ", context " + contextSize + "]";
    }
}
