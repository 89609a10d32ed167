package dev.s2s.llama;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import dev.s2s.api.CancellationToken;
import dev.s2s.api.ChatMessage;
import dev.s2s.api.EmbeddingSequence;
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
import dev.s2s.formats.GgufFile;
import dev.s2s.llama.internal.DirectGbnf;
import dev.s2s.llama.internal.DirectUtf8;
import dev.s2s.llama.internal.LlamaCpp;
import dev.s2s.llama.internal.LlamaCppLoader;
import dev.s2s.llama.internal.StopMatcher;

/**
 * A {@link LanguageModel} that drives llama.cpp's C API directly through JNA (provider
 * {@code "llama-direct"}), over the same {@code libjllama} that java-llama.cpp ships, with no
 * server task loop in between: one {@code llama_decode} per generated token.
 *
 * <p><b>Prompts:</b> all five kinds. {@link Prompt.Text} is tokenized with the model's BOS (when
 * it uses one) and special tokens parsed; {@link Prompt.Chat} is rendered with the model's chat
 * template through {@code llama_chat_apply_template} (refused with
 * {@link UnsupportedPromptException} when the model has none, as {@code stories260K} has none);
 * {@link Prompt.Tokens} are fed as is; {@link Prompt.Embeddings} (width {@link #embeddingSize()})
 * are fed through {@code llama_batch.embd}, with no snapping; {@link Prompt.Mixed} concatenates
 * text, token and embedding parts in order (BOS only when the first part is text).
 *
 * <p><b>KV-cache reuse:</b> the model remembers which token or embedding sits at every cached
 * position. A new prompt that starts with the same positions (the previous turn of a
 * conversation, with the answer) keeps them and decodes only the new ones; the rest of the cache
 * is dropped with {@code llama_kv_self_seq_rm}. {@link #clearCache()} forgets everything.
 *
 * <p><b>Safety:</b> the model path is validated by the pure-Java {@link GgufFile} reader before
 * llama.cpp sees it; prompts are checked in Java (kind, empty, token ids in range, embedding width,
 * fitting the context) before any decode. The native library passes a self-check on first use
 * (see {@link LlamaCppLoader}). {@link #close()} frees batches, LoRA adapters, the context and the
 * model, also when creation fails halfway; samplers live only for one {@code generate} call and are
 * freed in a {@code finally}.
 *
 * <p><b>Thread safety:</b> thread-safe by serialization. One instance owns one llama.cpp context
 * (one KV cache), so {@code generate}, {@code tokenize}, {@code detokenize} and
 * {@link #clearCache()} take a per-model lock: concurrent calls wait for each other and never
 * corrupt state. For parallel generation open one model per thread. {@link #close()} from another
 * thread makes a running generation stop at the next token (as {@link StopReason#CANCELLED}), then
 * frees the native memory.
 */
public final class LlamaDirectModel implements LanguageModel {

    private static final Logger LOG = LoggerFactory.getLogger(LlamaDirectModel.class);
    private static final int DEFAULT_MAX_CONTEXT = 2048;
    private static final int DEFAULT_BATCH = 512;
    private static final int PENALTY_LAST_N = 64;

    private final LlamaSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final GgufFile gguf;
    private final List<Pointer> loras = new ArrayList<>();
    private Pointer model;
    private Pointer ctx;
    private Pointer vocab;
    private LlamaCpp.Batch tokenBatch;
    private LlamaCpp.Batch embdBatch;
    private Pointer chatTemplate;
    private Memory chatTemplateOverride;
    private final int nEmbd;
    private final int nCtx;
    private final int nBatch;
    private final int nVocab;
    private final boolean addBos;
    private final int bos;
    private final Set<Prompt.Kind> kinds;
    private volatile TokenMatrix tokenMatrix;
    private volatile boolean closed;
    private boolean freed;

    // what sits in the KV cache of sequence 0, position by position
    // per-token caches of llama_token_to_piece and llama_vocab_is_eog (0 unknown, 1 yes, 2 no):
    // two fewer native calls per generated token
    private final byte[][] pieces;
    private final byte[] eog;

    private final int[] cacheToken;
    private final EmbeddingSequence[] cacheEmb;
    private final int[] cacheRow;
    private int cacheLen;

    private LlamaDirectModel(LlamaSettings settings) {
        this.settings = settings;
        Path path = settings.model();
        // every model path goes through the pure-Java reader first
        GgufFile g = GgufFile.open(path);
        boolean ok = false;
        try {
            for (LlamaSettings.Lora l : settings.loras()) {
                checkLora(l.path());
            }
            long trained = g.architecture().flatMap(a -> g.integer(a + ".context_length")).orElse(0L);
            LlamaCppLoader.load();
            LlamaCpp.llama_log_set(LlamaCppLoader.logCallback(settings.nativeLog()), null);

            LlamaCpp.ModelParams mp = LlamaCpp.llama_model_default_params();
            mp.n_gpu_layers = settings.gpuLayers();
            model = LlamaCpp.llama_model_load_from_file(path.toAbsolutePath().toString(), mp);
            if (model == null) {
                throw new ModelFormatException(path.getFileName() + ": llama.cpp could not load the model "
                        + "(architecture " + g.architecture().orElse("?") + "); see the dev.s2s.llama.native log");
            }
            int requested = settings.contextSize();
            if (requested == 0) {
                long train = trained > 0 ? trained : LlamaCpp.llama_model_n_ctx_train(model);
                requested = (int) Math.min(train > 0 ? train : DEFAULT_MAX_CONTEXT, DEFAULT_MAX_CONTEXT);
            }
            LlamaCpp.ContextParams cp = LlamaCpp.llama_context_default_params();
            cp.n_ctx = requested;
            cp.n_batch = Math.min(DEFAULT_BATCH, requested);
            cp.n_ubatch = cp.n_batch;
            cp.n_seq_max = 1;
            cp.n_threads = settings.threads();
            cp.n_threads_batch = settings.batchThreads();
            ctx = LlamaCpp.llama_init_from_model(model, cp);
            if (ctx == null) {
                throw new GenerationException("llama.cpp could not create a context of " + requested
                        + " tokens for " + path.getFileName());
            }
            nCtx = LlamaCpp.llama_n_ctx(ctx);
            nBatch = LlamaCpp.llama_n_batch(ctx);
            vocab = LlamaCpp.llama_model_get_vocab(model);
            nVocab = LlamaCpp.llama_vocab_n_tokens(vocab);
            nEmbd = LlamaCpp.llama_model_n_embd(model);
            addBos = LlamaCpp.llama_vocab_get_add_bos(vocab) != 0;
            bos = LlamaCpp.llama_vocab_bos(vocab);
            for (LlamaSettings.Lora l : settings.loras()) {
                Pointer a = LlamaCpp.llama_adapter_lora_init(model, l.path().toAbsolutePath().toString());
                if (a == null) {
                    throw new ModelFormatException(l.path().getFileName() + ": llama.cpp refused the LoRA adapter "
                            + "(does it belong to this model?); see the dev.s2s.llama.native log");
                }
                loras.add(a);
                if (LlamaCpp.llama_set_adapter_lora(ctx, a, l.scale()) != 0) {
                    throw new GenerationException("cannot apply LoRA adapter " + l.path().getFileName());
                }
            }
            if (settings.chatTemplate() != null) {
                byte[] t = (settings.chatTemplate() + "\0").getBytes(StandardCharsets.UTF_8);
                chatTemplateOverride = new Memory(t.length);
                chatTemplateOverride.write(0, t, 0, t.length);
                chatTemplate = chatTemplateOverride;
            } else {
                chatTemplate = LlamaCpp.llama_model_chat_template(model, null);
            }
            tokenBatch = newBatch(0);
            kinds = chatTemplate == null
                    ? EnumSet.of(Prompt.Kind.TEXT, Prompt.Kind.TOKENS, Prompt.Kind.EMBEDDINGS, Prompt.Kind.MIXED)
                    : EnumSet.allOf(Prompt.Kind.class);
            pieces = new byte[nVocab][];
            eog = new byte[nVocab];
            cacheToken = new int[nCtx];
            cacheEmb = new EmbeddingSequence[nCtx];
            cacheRow = new int[nCtx];
            gguf = g;
            ok = true;
            LOG.debug("llama-direct: {} loaded, n_ctx {}, n_embd {}, n_vocab {}, {} thread(s)", path.getFileName(),
                    nCtx, nEmbd, nVocab, settings.threads());
        } finally {
            if (!ok) {
                freeNative();
                g.close();
            }
        }
    }

    /**
     * Loads a model.
     *
     * @throws ModelFormatException when the file is missing, not GGUF, malformed, or refused by llama.cpp
     * @throws GenerationException  when the native library fails its self-check or the context cannot be made
     */
    public static LlamaDirectModel open(LlamaSettings settings) {
        return new LlamaDirectModel(settings);
    }

    /** Loads {@code model} with default settings (context up to 2048 tokens, all cores). */
    public static LlamaDirectModel open(Path model) {
        return open(LlamaSettings.builder(model).build());
    }

    private static void checkLora(Path p) {
        try (GgufFile lora = GgufFile.open(p)) {
            String type = lora.string("general.type").orElse(lora.get("adapter.type").isPresent() ? "adapter" : "model");
            if (!type.equals("adapter")) {
                throw new ModelFormatException(p.getFileName() + " is a GGUF " + type + ", not a LoRA adapter "
                        + "(general.type must be 'adapter')");
            }
        }
    }

    // ---- facts ---------------------------------------------------------------------------

    /** The embedding width {@code n_embd}: the width an {@link Prompt.Embeddings} prompt must have. */
    public int embeddingSize() {
        return nEmbd;
    }

    /** The context window in positions. */
    public int contextSize() {
        return nCtx;
    }

    /** The vocabulary size. */
    public int vocabularySize() {
        return nVocab;
    }

    /** The settings the model was opened with. */
    public LlamaSettings settings() {
        return settings;
    }

    /** The native library in use. */
    public static Path libraryPath() {
        return LlamaCppLoader.load().path();
    }

    /** Positions currently held in the KV cache (reused by the next prompt when it starts with them). */
    public int cachedPositions() {
        lock.lock();
        try {
            return cacheLen;
        } finally {
            lock.unlock();
        }
    }

    /** Empties the KV cache: the next prompt is decoded from its first position. */
    public void clearCache() {
        lock.lock();
        try {
            ensureOpen();
            LlamaCpp.llama_kv_self_clear(ctx);
            forget(0);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Set<Prompt.Kind> supportedPrompts() {
        return kinds;
    }

    @Override
    public TokenMatrix tokenEmbeddings() {
        ensureOpen();
        TokenMatrix m = tokenMatrix;
        if (m == null) {
            synchronized (this) {
                if (tokenMatrix == null) {
                    tokenMatrix = gguf.tokenEmbeddings();
                }
                m = tokenMatrix;
            }
        }
        return m;
    }

    // ---- tokens --------------------------------------------------------------------------

    @Override
    public int[] tokenize(String text) {
        java.util.Objects.requireNonNull(text, "text");
        lock.lock();
        try {
            ensureOpen();
            return tokenizeNative(text, false);
        } finally {
            lock.unlock();
        }
    }

    /** Concatenated pieces ({@code llama_token_to_piece}, control tokens rendered empty). */
    @Override
    public String detokenize(int[] tokens) {
        lock.lock();
        try {
            ensureOpen();
            DirectUtf8 out = new DirectUtf8();
            byte[] buf = new byte[64];
            for (int t : tokens) {
                checkId(t);
                buf = piece(t, buf, out);
            }
            return out.flushAll();
        } finally {
            lock.unlock();
        }
    }

    private int[] tokenizeNative(String text, boolean withBos) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[utf8.length + 2];
        byte add = (byte) (withBos && addBos ? 1 : 0);
        int n = LlamaCpp.llama_tokenize(vocab, utf8, utf8.length, out, out.length, add, (byte) 1);
        if (n < 0) {
            out = new int[-n];
            n = LlamaCpp.llama_tokenize(vocab, utf8, utf8.length, out, out.length, add, (byte) 1);
        }
        if (n < 0) {
            throw new GenerationException("llama_tokenize failed (" + n + ") on " + utf8.length + " bytes");
        }
        return Arrays.copyOf(out, n);
    }

    private byte[] piece(int token, byte[] buf, DirectUtf8 out) {
        byte[] cached = pieces[token];
        if (cached == null) {
            int n = LlamaCpp.llama_token_to_piece(vocab, token, buf, buf.length, 0, (byte) 0);
            if (n < 0) {
                buf = new byte[-n];
                n = LlamaCpp.llama_token_to_piece(vocab, token, buf, buf.length, 0, (byte) 0);
            }
            cached = Arrays.copyOf(buf, Math.max(0, n));
            pieces[token] = cached;
        }
        out.add(cached, cached.length);
        return buf;
    }

    private boolean isEndOfGeneration(int token) {
        byte e = eog[token];
        if (e == 0) {
            e = LlamaCpp.llama_vocab_is_eog(vocab, token) != 0 ? (byte) 1 : (byte) 2;
            eog[token] = e;
        }
        return e == 1;
    }

    private void checkId(int t) {
        if (t < 0 || t >= nVocab) {
            throw new GenerationException("token id " + t + " is outside the vocabulary [0, " + nVocab + ")");
        }
    }

    // ---- generation ----------------------------------------------------------------------

    @Override
    public Generation generate(Prompt prompt, GenerationOptions options, TokenListener listener,
            CancellationToken cancel) {
        java.util.Objects.requireNonNull(prompt, "prompt");
        java.util.Objects.requireNonNull(options, "options");
        java.util.Objects.requireNonNull(listener, "listener");
        java.util.Objects.requireNonNull(cancel, "cancel");
        long t0 = System.nanoTime();
        checkPrompt(prompt);
        if (options.jsonSchema() != null) {
            throw new UnsupportedPromptException("llama-direct takes GBNF grammars only; the JSON-schema converter is "
                    + "C++-only in llama.cpp b" + LlamaCpp.BUILD_NUMBER + " (convert the schema to GBNF first)");
        }
        validateShape(prompt);
        if (options.grammar() != null) {
            DirectGbnf.check(options.grammar(), "root");
        }
        lock.lock();
        try {
            ensureOpen();
            Positions p = expand(prompt);
            if (p.n == 0) {
                throw new GenerationException("empty prompt: it has no tokens or embeddings to start from");
            }
            if (p.n >= nCtx) {
                throw new GenerationException("the prompt has " + p.n + " positions but the context holds " + nCtx
                        + " (and needs room for at least one generated token); raise contextSize or shorten it");
            }
            return run(p, options, listener, cancel, t0);
        } finally {
            lock.unlock();
        }
    }

    /** Checks what can be checked without the vocabulary: empty parts and embedding widths. */
    private void validateShape(Prompt prompt) {
        switch (prompt) {
            case Prompt.Text t -> {
                if (t.text().isEmpty()) {
                    throw new GenerationException("empty prompt: the text is empty");
                }
            }
            case Prompt.Tokens t -> {
                if (t.ids().length == 0) {
                    throw new GenerationException("empty prompt: no token ids");
                }
                for (int id : t.ids()) {
                    checkId(id);
                }
            }
            case Prompt.Embeddings e -> {
                checkWidth(e.embeddings());
                if (e.embeddings().frames() == 0) {
                    throw new GenerationException("empty prompt: the embedding sequence has no frames");
                }
            }
            case Prompt.Mixed m -> {
                if (m.parts().isEmpty()) {
                    throw new GenerationException("empty prompt: a mixed prompt with no parts");
                }
                for (Prompt part : m.parts()) {
                    switch (part) {
                        case Prompt.Embeddings e -> checkWidth(e.embeddings());
                        case Prompt.Tokens t -> {
                            for (int id : t.ids()) {
                                checkId(id);
                            }
                        }
                        default -> { }
                    }
                }
            }
            case Prompt.Chat c -> { }
        }
    }

    private void checkWidth(EmbeddingSequence e) {
        if (e.dim() != nEmbd) {
            throw new GenerationException("embedding prompt has width " + e.dim() + " but this model's embeddings (n_embd) "
                    + "are " + nEmbd + " wide");
        }
        for (float v : e.data()) {
            if (!Float.isFinite(v)) {
                throw new GenerationException("embedding prompt contains a non-finite value (" + v + ")");
            }
        }
    }

    /** The prompt as positions: a token id, or (-1 and) an embedding row. */
    private static final class Positions {
        int[] token = new int[16];
        EmbeddingSequence[] emb = new EmbeddingSequence[16];
        int[] row = new int[16];
        int n;

        void add(int t, EmbeddingSequence e, int r) {
            if (n == token.length) {
                token = Arrays.copyOf(token, n * 2);
                emb = Arrays.copyOf(emb, n * 2);
                row = Arrays.copyOf(row, n * 2);
            }
            token[n] = t;
            emb[n] = e;
            row[n++] = r;
        }

        void tokens(int[] ids) {
            for (int id : ids) {
                add(id, null, 0);
            }
        }

        void embeddings(EmbeddingSequence e) {
            for (int r = 0; r < e.frames(); r++) {
                add(-1, e, r);
            }
        }
    }

    private Positions expand(Prompt prompt) {
        Positions p = new Positions();
        switch (prompt) {
            case Prompt.Text t -> p.tokens(tokenizeNative(t.text(), true));
            case Prompt.Chat c -> p.tokens(renderChat(c.messages()));
            case Prompt.Tokens t -> p.tokens(t.ids());
            case Prompt.Embeddings e -> p.embeddings(e.embeddings());
            case Prompt.Mixed m -> {
                boolean first = true;
                for (Prompt part : m.parts()) {
                    switch (part) {
                        case Prompt.Text t -> p.tokens(tokenizeNative(t.text(), first));
                        case Prompt.Tokens t -> p.tokens(t.ids());
                        case Prompt.Embeddings e -> p.embeddings(e.embeddings());
                        default -> throw new UnsupportedPromptException("a mixed prompt cannot hold " + part.kind());
                    }
                    first = false;
                }
            }
        }
        return p;
    }

    private int[] renderChat(List<ChatMessage> messages) {
        if (chatTemplate == null) {
            throw new UnsupportedPromptException(settings.model().getFileName() + " has no chat template "
                    + "(tokenizer.chat_template); use a text, token or embedding prompt, or set a chatTemplate");
        }
        List<ChatMessage> all = new ArrayList<>(messages);
        if (settings.systemPrompt() != null && all.stream().noneMatch(m -> m.role() == ChatMessage.Role.SYSTEM)) {
            all.add(0, ChatMessage.system(settings.systemPrompt()));
        }
        int ps = Native.POINTER_SIZE;
        Memory array = new Memory((long) all.size() * 2 * ps);
        List<Memory> keep = new ArrayList<>();
        int chars = 0;
        for (int i = 0; i < all.size(); i++) {
            Memory role = cString(all.get(i).role().id());
            Memory content = cString(all.get(i).content());
            keep.add(role);
            keep.add(content);
            array.setPointer((long) i * 2 * ps, role);
            array.setPointer((long) i * 2 * ps + ps, content);
            chars += (int) content.size() + 32;
        }
        byte[] buf = new byte[Math.max(256, chars * 2)];
        int n = LlamaCpp.llama_chat_apply_template(chatTemplate, array, all.size(), (byte) 1, buf, buf.length);
        if (n > buf.length) {
            buf = new byte[n];
            n = LlamaCpp.llama_chat_apply_template(chatTemplate, array, all.size(), (byte) 1, buf, buf.length);
        }
        java.lang.ref.Reference.reachabilityFence(keep);
        if (n < 0) {
            throw new UnsupportedPromptException("the chat template of " + settings.model().getFileName()
                    + " is not one llama.cpp's llama_chat_apply_template knows (b" + LlamaCpp.BUILD_NUMBER + ")");
        }
        String rendered = new String(buf, 0, n, StandardCharsets.UTF_8);
        int[] ids = tokenizeNative(rendered, false);
        if (addBos && bos >= 0 && (ids.length == 0 || ids[0] != bos)) {
            int[] withBos = new int[ids.length + 1];
            withBos[0] = bos;
            System.arraycopy(ids, 0, withBos, 1, ids.length);
            ids = withBos;
        }
        return ids;
    }

    private static Memory cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        Memory m = new Memory(b.length + 1L);
        m.write(0, b, 0, b.length);
        m.setByte(b.length, (byte) 0);
        return m;
    }

    private Generation run(Positions p, GenerationOptions o, TokenListener listener, CancellationToken cancel,
            long t0) {
        if (cancel.isCancelled()) {
            return new Generation("", new int[0], StopReason.CANCELLED, 0, Duration.ZERO, since(t0), 0);
        }
        decodePrompt(p);
        Pointer sampler = sampler(o, p);
        try {
            DirectUtf8 text = new DirectUtf8();
            StopMatcher stops = new StopMatcher(o.stop());
            int[] out = new int[Math.min(o.maxTokens(), nCtx)];
            int count = 0;
            long first = 0;
            long last = 0;
            byte[] buf = new byte[64];
            StopReason reason;
            while (true) {
                if (cancel.isCancelled() || closed) {
                    reason = StopReason.CANCELLED;
                    break;
                }
                int token = LlamaCpp.llama_sampler_sample(sampler, ctx, -1);
                if (token < 0 || token >= nVocab) {
                    throw new GenerationException("llama_sampler_sample returned token " + token + " outside [0, "
                            + nVocab + ")");
                }
                last = System.nanoTime();
                if (count == 0) {
                    first = last;
                }
                if (isEndOfGeneration(token)) {
                    reason = StopReason.END_OF_SEQUENCE;
                    break;
                }
                out[count++] = token;
                buf = piece(token, buf, text);
                listener.onToken(token, stops.feed(text.flush()));
                if (stops.stopped()) {
                    reason = StopReason.STOP_STRING;
                    break;
                }
                if (count >= o.maxTokens()) {
                    reason = StopReason.MAX_TOKENS;
                    break;
                }
                if (cacheLen >= nCtx) {
                    reason = StopReason.CONTEXT_FULL;
                    break;
                }
                decodeToken(token);
            }
            String rest = stops.feed(text.flushAll());
            if (!stops.stopped()) {
                rest += stops.flush();
            }
            if (!rest.isEmpty()) {
                listener.onToken(-1, rest);
            }
            double tps = count > 1 && last > first ? (count - 1) / ((last - first) / 1e9) : 0;
            return new Generation(stops.text(), Arrays.copyOf(out, count), reason, p.n,
                    count == 0 ? Duration.ZERO : Duration.ofNanos(first - t0), since(t0), tps);
        } finally {
            LlamaCpp.llama_sampler_free(sampler);
        }
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private Pointer sampler(GenerationOptions o, Positions p) {
        Pointer chain = LlamaCpp.llama_sampler_chain_init((byte) 1);
        if (chain == null) {
            throw new GenerationException("llama_sampler_chain_init failed");
        }
        try {
            if (o.grammar() != null) {
                Pointer g = LlamaCpp.llama_sampler_init_grammar(vocab, o.grammar(), "root");
                if (g == null) {
                    throw new GenerationException("the GBNF grammar does not parse (llama.cpp logs the reason to "
                            + "dev.s2s.llama.native)");
                }
                LlamaCpp.llama_sampler_chain_add(chain, g);
            }
            if (o.repeatPenalty() != 1f) {
                Pointer pen = LlamaCpp.llama_sampler_init_penalties(PENALTY_LAST_N, o.repeatPenalty(), 0f, 0f);
                for (int i = Math.max(0, p.n - PENALTY_LAST_N); i < p.n; i++) {
                    if (p.token[i] >= 0) {
                        LlamaCpp.llama_sampler_accept(pen, p.token[i]);
                    }
                }
                LlamaCpp.llama_sampler_chain_add(chain, pen);
            }
            if (o.temperature() <= 0f) {
                LlamaCpp.llama_sampler_chain_add(chain, LlamaCpp.llama_sampler_init_greedy());
            } else {
                if (o.topK() > 0) {
                    LlamaCpp.llama_sampler_chain_add(chain, LlamaCpp.llama_sampler_init_top_k(o.topK()));
                }
                LlamaCpp.llama_sampler_chain_add(chain, LlamaCpp.llama_sampler_init_top_p(o.topP(), 1));
                if (o.minP() > 0f) {
                    LlamaCpp.llama_sampler_chain_add(chain, LlamaCpp.llama_sampler_init_min_p(o.minP(), 1));
                }
                LlamaCpp.llama_sampler_chain_add(chain, LlamaCpp.llama_sampler_init_temp(o.temperature()));
                LlamaCpp.llama_sampler_chain_add(chain, LlamaCpp.llama_sampler_init_dist((int) o.seed()));
            }
            return chain;
        } catch (RuntimeException e) {
            LlamaCpp.llama_sampler_free(chain);
            throw e;
        }
    }

    // ---- decoding ------------------------------------------------------------------------

    private void decodePrompt(Positions p) {
        int common = 0;
        int max = Math.min(cacheLen, p.n);
        while (common < max && samePosition(common, p)) {
            common++;
        }
        if (common == p.n) {
            common--; // the last position must be decoded again to get its logits
        }
        if (common < cacheLen) {
            if (LlamaCpp.llama_kv_self_seq_rm(ctx, 0, common, -1) == 0) {
                LlamaCpp.llama_kv_self_clear(ctx);
                common = 0;
            }
            forget(common);
        }
        int i = common;
        while (i < p.n) {
            boolean tokens = p.token[i] >= 0;
            int end = i;
            while (end < p.n && (p.token[end] >= 0) == tokens && end - i < nBatch) {
                end++;
            }
            decodeRun(p, i, end, tokens, end == p.n);
            i = end;
        }
    }

    private boolean samePosition(int i, Positions p) {
        if (cacheToken[i] != p.token[i]) {
            return false;
        }
        if (p.token[i] >= 0) {
            return true;
        }
        EmbeddingSequence a = cacheEmb[i];
        EmbeddingSequence b = p.emb[i];
        if (a == b && cacheRow[i] == p.row[i]) {
            return true;
        }
        int d = b.dim();
        for (int k = 0; k < d; k++) {
            if (Float.floatToIntBits(a.get(cacheRow[i], k)) != Float.floatToIntBits(b.get(p.row[i], k))) {
                return false;
            }
        }
        return true;
    }

    private void decodeRun(Positions p, int from, int to, boolean tokens, boolean lastRun) {
        int n = to - from;
        LlamaCpp.Batch b;
        if (tokens) {
            b = tokenBatch;
            b.token.write(0, p.token, from, n);
        } else {
            if (embdBatch == null) {
                embdBatch = newBatch(nEmbd);
            }
            b = embdBatch;
            float[] rows = new float[n * nEmbd];
            for (int i = 0; i < n; i++) {
                EmbeddingSequence e = p.emb[from + i];
                System.arraycopy(e.row(p.row[from + i]), 0, rows, i * nEmbd, nEmbd);
            }
            b.embd.write(0, rows, 0, rows.length);
        }
        fillPositions(b, cacheLen, n, lastRun);
        decode(b, n);
        for (int i = 0; i < n; i++) {
            int at = cacheLen + i;
            cacheToken[at] = p.token[from + i];
            cacheEmb[at] = p.emb[from + i];
            cacheRow[at] = p.row[from + i];
        }
        cacheLen += n;
    }

    private void decodeToken(int token) {
        LlamaCpp.Batch b = tokenBatch;
        b.token.setInt(0, token);
        fillPositions(b, cacheLen, 1, true);
        decode(b, 1);
        cacheToken[cacheLen] = token;
        cacheEmb[cacheLen] = null;
        cacheLen++;
    }

    /** A batch of {@code nBatch} positions, all in sequence 0 (set once here). */
    private LlamaCpp.Batch newBatch(int embd) {
        LlamaCpp.Batch b = LlamaCpp.llama_batch_init(nBatch, embd, 1);
        b.detach();
        if ((embd == 0 ? b.token : b.embd) == null || b.pos == null || b.seq_id == null || b.logits == null) {
            LlamaCpp.llama_batch_free(b);
            throw new GenerationException("llama_batch_init returned an incomplete batch");
        }
        int[] ones = new int[nBatch];
        Arrays.fill(ones, 1);
        b.n_seq_id.write(0, ones, 0, nBatch);
        for (int i = 0; i < nBatch; i++) {
            b.seq_id.getPointer((long) i * Native.POINTER_SIZE).setInt(0, 0);
        }
        return b;
    }

    private int[] posScratch = new int[0];
    private byte[] logitScratch = new byte[0];

    private void fillPositions(LlamaCpp.Batch b, int start, int n, boolean logitsAtEnd) {
        if (n == 1) {
            b.pos.setInt(0, start);
            b.logits.setByte(0, (byte) (logitsAtEnd ? 1 : 0));
            return;
        }
        if (posScratch.length < n) {
            posScratch = new int[n];
            logitScratch = new byte[n];
        }
        for (int i = 0; i < n; i++) {
            posScratch[i] = start + i;
        }
        Arrays.fill(logitScratch, 0, n, (byte) 0);
        logitScratch[n - 1] = (byte) (logitsAtEnd ? 1 : 0);
        b.pos.write(0, posScratch, 0, n);
        b.logits.write(0, logitScratch, 0, n);
    }

    private void decode(LlamaCpp.Batch b, int n) {
        if (cacheLen + n > nCtx) {
            throw new GenerationException("context full: " + cacheLen + " + " + n + " positions exceed " + nCtx);
        }
        b.setTokenCount(n);
        int rc = LlamaCpp.llama_decode(ctx, b);
        if (rc != 0) {
            // the cache state after a failed batch is not worth guessing: start clean next time
            LlamaCpp.llama_kv_self_clear(ctx);
            forget(0);
            throw new GenerationException(rc == 1 ? "llama_decode found no KV-cache slot for " + n + " positions"
                    : "llama_decode failed with code " + rc);
        }
    }

    private void forget(int from) {
        Arrays.fill(cacheEmb, from, Math.max(from, cacheLen), null);
        cacheLen = from;
    }

    // ---- lifecycle -----------------------------------------------------------------------

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("model is closed");
        }
    }

    /** Frees the batches, LoRA adapters, context and model, and unmaps the GGUF file. Idempotent. */
    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            if (freed) {
                return;
            }
            freed = true;
            freeNative();
            tokenMatrix = null;
            gguf.close();
        } finally {
            lock.unlock();
        }
    }

    private void freeNative() {
        if (embdBatch != null) {
            LlamaCpp.llama_batch_free(embdBatch);
            embdBatch = null;
        }
        if (tokenBatch != null) {
            LlamaCpp.llama_batch_free(tokenBatch);
            tokenBatch = null;
        }
        if (ctx != null) {
            LlamaCpp.llama_free(ctx);
            ctx = null;
        }
        for (Pointer a : loras) {
            LlamaCpp.llama_adapter_lora_free(a);
        }
        loras.clear();
        if (model != null) {
            LlamaCpp.llama_model_free(model);
            model = null;
        }
        chatTemplate = null;
        chatTemplateOverride = null;
    }

    @Override
    public String toString() {
        return "LlamaDirectModel[" + settings.model().getFileName() + ", n_ctx " + nCtx + ", n_embd " + nEmbd + "]";
    }
}
