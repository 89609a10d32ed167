package dev.s2s.llama.internal;

import java.util.List;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * JNA direct mapping of the llama.cpp C API exactly as built into {@code libjllama.so} of
 * {@code de.kherud:llama} 4.2.0: llama.cpp build 4916 (commit {@code c6af2161}, March 2025).
 *
 * <p>The struct layouts below were checked against that build's {@code llama.h} and against the
 * machine code of its {@code llama_*_default_params} functions (sizes 64, 120 and 56 bytes on
 * LP64). {@link LlamaCppLoader} refuses any other build before a single struct is exchanged.
 * C {@code bool} values are mapped to {@code byte} (JNA's {@code boolean} is 4 bytes wide, and a
 * returned C {@code bool} only defines the low byte of the register).
 *
 * <p>Not API. All methods are static; thread safety is that of llama.cpp: a model may be shared,
 * a context (and its batches and samplers) must be used by one thread at a time.
 */
public final class LlamaCpp {

    /** The llama.cpp build number this binding matches. */
    public static final int BUILD_NUMBER = 4916;
    /** The llama.cpp commit this binding matches. */
    public static final String COMMIT = "c6af2161";

    /** Every function bound here; all must be exported by the library. */
    public static final List<String> FUNCTIONS = List.of(
            "llama_backend_init", "llama_log_set", "llama_print_system_info",
            "llama_model_default_params", "llama_context_default_params", "llama_sampler_chain_default_params",
            "llama_model_load_from_file", "llama_model_free", "llama_init_from_model", "llama_free",
            "llama_model_get_vocab", "llama_model_n_embd", "llama_model_n_ctx_train", "llama_model_chat_template",
            "llama_model_meta_val_str", "llama_n_ctx", "llama_n_batch", "llama_set_n_threads",
            "llama_batch_init", "llama_batch_free", "llama_decode", "llama_get_logits_ith",
            "llama_vocab_n_tokens", "llama_vocab_bos", "llama_vocab_eos", "llama_vocab_eot", "llama_vocab_nl",
            "llama_vocab_pad", "llama_vocab_is_eog", "llama_vocab_get_add_bos", "llama_vocab_get_add_eos",
            "llama_tokenize", "llama_token_to_piece", "llama_detokenize", "llama_chat_apply_template",
            "llama_sampler_chain_init", "llama_sampler_chain_add", "llama_sampler_init_greedy",
            "llama_sampler_init_dist", "llama_sampler_init_top_k", "llama_sampler_init_top_p",
            "llama_sampler_init_min_p", "llama_sampler_init_temp", "llama_sampler_init_penalties",
            "llama_sampler_init_grammar", "llama_sampler_sample", "llama_sampler_accept", "llama_sampler_reset",
            "llama_sampler_free", "llama_adapter_lora_init", "llama_adapter_lora_free", "llama_set_adapter_lora",
            "llama_clear_adapter_lora", "llama_kv_self_clear", "llama_kv_self_seq_rm", "llama_kv_self_seq_pos_max");

    private LlamaCpp() {
    }

    /** Binds the native methods of this class to {@code library}. Called once by {@link LlamaCppLoader}. */
    static void register(NativeLibrary library) {
        Native.register(LlamaCpp.class, library);
    }

    // ---- structs -------------------------------------------------------------------------

    /** {@code struct llama_model_params} (64 bytes on LP64). */
    @Structure.FieldOrder({"devices", "n_gpu_layers", "split_mode", "main_gpu", "tensor_split", "progress_callback",
            "progress_callback_user_data", "kv_overrides", "vocab_only", "use_mmap", "use_mlock", "check_tensors"})
    public static class ModelParams extends Structure implements Structure.ByValue {
        /** {@code ggml_backend_dev_t *}, NULL = all available devices. */
        public Pointer devices;
        /** Layers to offload to a GPU. */
        public int n_gpu_layers;
        /** {@code enum llama_split_mode}, default 1 (LAYER). */
        public int split_mode;
        /** Main GPU. */
        public int main_gpu;
        /** {@code const float *}. */
        public Pointer tensor_split;
        /** Progress callback. */
        public Pointer progress_callback;
        /** Its user data. */
        public Pointer progress_callback_user_data;
        /** {@code const struct llama_model_kv_override *}. */
        public Pointer kv_overrides;
        /** C bool. */
        public byte vocab_only;
        /** C bool, default 1. */
        public byte use_mmap;
        /** C bool. */
        public byte use_mlock;
        /** C bool. */
        public byte check_tensors;
    }

    /** {@code struct llama_context_params} (120 bytes on LP64). */
    @Structure.FieldOrder({"n_ctx", "n_batch", "n_ubatch", "n_seq_max", "n_threads", "n_threads_batch",
            "rope_scaling_type", "pooling_type", "attention_type", "rope_freq_base", "rope_freq_scale",
            "yarn_ext_factor", "yarn_attn_factor", "yarn_beta_fast", "yarn_beta_slow", "yarn_orig_ctx",
            "defrag_thold", "cb_eval", "cb_eval_user_data", "type_k", "type_v", "logits_all", "embeddings",
            "offload_kqv", "flash_attn", "no_perf", "abort_callback", "abort_callback_data"})
    public static class ContextParams extends Structure implements Structure.ByValue {
        /** Text context, 0 = from model. */
        public int n_ctx;
        /** Logical maximum batch size. */
        public int n_batch;
        /** Physical maximum batch size. */
        public int n_ubatch;
        /** Max number of sequences. */
        public int n_seq_max;
        /** Threads for generation. */
        public int n_threads;
        /** Threads for batch processing. */
        public int n_threads_batch;
        /** {@code enum llama_rope_scaling_type}. */
        public int rope_scaling_type;
        /** {@code enum llama_pooling_type}. */
        public int pooling_type;
        /** {@code enum llama_attention_type}. */
        public int attention_type;
        /** RoPE base frequency. */
        public float rope_freq_base;
        /** RoPE frequency scale. */
        public float rope_freq_scale;
        /** YaRN. */
        public float yarn_ext_factor;
        /** YaRN. */
        public float yarn_attn_factor;
        /** YaRN. */
        public float yarn_beta_fast;
        /** YaRN. */
        public float yarn_beta_slow;
        /** YaRN. */
        public int yarn_orig_ctx;
        /** KV defragmentation threshold. */
        public float defrag_thold;
        /** {@code ggml_backend_sched_eval_callback}. */
        public Pointer cb_eval;
        /** Its user data. */
        public Pointer cb_eval_user_data;
        /** {@code enum ggml_type} of K cache. */
        public int type_k;
        /** {@code enum ggml_type} of V cache. */
        public int type_v;
        /** C bool. */
        public byte logits_all;
        /** C bool. */
        public byte embeddings;
        /** C bool. */
        public byte offload_kqv;
        /** C bool. */
        public byte flash_attn;
        /** C bool. */
        public byte no_perf;
        /** {@code ggml_abort_callback}. */
        public Pointer abort_callback;
        /** Its user data. */
        public Pointer abort_callback_data;
    }

    /**
     * {@code struct llama_batch} (56 bytes on LP64), passed by value to {@code llama_decode}. The
     * arrays it points to are written directly through the pointers; only {@code n_tokens}
     * changes between calls, so auto-synchronisation is off and callers write it with
     * {@link #setTokenCount(int)}.
     */
    @Structure.FieldOrder({"n_tokens", "token", "embd", "pos", "n_seq_id", "seq_id", "logits"})
    public static class Batch extends Structure implements Structure.ByValue {
        /** Number of positions in use. */
        public int n_tokens;
        /** {@code llama_token *} or NULL for an embedding batch. */
        public Pointer token;
        /** {@code float *} (n_tokens * n_embd) or NULL for a token batch. */
        public Pointer embd;
        /** {@code llama_pos *}. */
        public Pointer pos;
        /** {@code int32_t *}. */
        public Pointer n_seq_id;
        /** {@code llama_seq_id **}. */
        public Pointer seq_id;
        /** {@code int8_t *}. */
        public Pointer logits;

        /** Stops JNA from copying fields on every call: the native memory is the truth. */
        public void detach() {
            setAutoSynch(false);
        }

        /** Writes {@code n_tokens} into the native struct. */
        public void setTokenCount(int n) {
            n_tokens = n;
            getPointer().setInt(0, n);
        }
    }

    /** {@code struct llama_chat_message}: two C strings. */
    @Structure.FieldOrder({"role", "content"})
    public static class ChatMessage extends Structure {
        /** {@code const char *}. */
        public Pointer role;
        /** {@code const char *}. */
        public Pointer content;

        /** A message at {@code p}. */
        public ChatMessage(Pointer p) {
            super(p);
        }

        /** An unbacked message (for arrays via {@link #toArray(int)}). */
        public ChatMessage() {
        }
    }

    /** {@code ggml_log_callback}: {@code void (*)(enum ggml_log_level, const char *, void *)}. */
    public interface LogCallback extends Callback {
        /** @param level ggml log level @param text the message @param user user data */
        void invoke(int level, Pointer text, Pointer user);
    }

    // ---- functions -----------------------------------------------------------------------

    /** {@code void llama_backend_init(void)}. */
    public static native void llama_backend_init();

    /** {@code void llama_log_set(ggml_log_callback, void *)}. */
    public static native void llama_log_set(LogCallback callback, Pointer user);

    /** {@code const char * llama_print_system_info(void)}. */
    public static native String llama_print_system_info();

    /** {@code struct llama_model_params llama_model_default_params(void)}. */
    public static native ModelParams llama_model_default_params();

    /** {@code struct llama_context_params llama_context_default_params(void)}. */
    public static native ContextParams llama_context_default_params();

    /** {@code struct llama_sampler_chain_params llama_sampler_chain_default_params(void)}: one C bool. */
    public static native byte llama_sampler_chain_default_params();

    /** {@code struct llama_model * llama_model_load_from_file(const char *, struct llama_model_params)}. */
    public static native Pointer llama_model_load_from_file(String path, ModelParams params);

    /** {@code void llama_model_free(struct llama_model *)}. */
    public static native void llama_model_free(Pointer model);

    /** {@code struct llama_context * llama_init_from_model(struct llama_model *, struct llama_context_params)}. */
    public static native Pointer llama_init_from_model(Pointer model, ContextParams params);

    /** {@code void llama_free(struct llama_context *)}. */
    public static native void llama_free(Pointer ctx);

    /** {@code const struct llama_vocab * llama_model_get_vocab(const struct llama_model *)}. */
    public static native Pointer llama_model_get_vocab(Pointer model);

    /** {@code int32_t llama_model_n_embd(const struct llama_model *)}. */
    public static native int llama_model_n_embd(Pointer model);

    /** {@code int32_t llama_model_n_ctx_train(const struct llama_model *)}. */
    public static native int llama_model_n_ctx_train(Pointer model);

    /** {@code const char * llama_model_chat_template(const struct llama_model *, const char * name)}. */
    public static native Pointer llama_model_chat_template(Pointer model, String name);

    /** {@code int32_t llama_model_meta_val_str(const struct llama_model *, const char *, char *, size_t)}. */
    public static native int llama_model_meta_val_str(Pointer model, String key, byte[] buf, long size);

    /** {@code uint32_t llama_n_ctx(const struct llama_context *)}. */
    public static native int llama_n_ctx(Pointer ctx);

    /** {@code uint32_t llama_n_batch(const struct llama_context *)}. */
    public static native int llama_n_batch(Pointer ctx);

    /** {@code void llama_set_n_threads(struct llama_context *, int32_t, int32_t)}. */
    public static native void llama_set_n_threads(Pointer ctx, int nThreads, int nThreadsBatch);

    /** {@code struct llama_batch llama_batch_init(int32_t n_tokens, int32_t embd, int32_t n_seq_max)}. */
    public static native Batch llama_batch_init(int nTokens, int embd, int nSeqMax);

    /** {@code void llama_batch_free(struct llama_batch)}. */
    public static native void llama_batch_free(Batch batch);

    /** {@code int32_t llama_decode(struct llama_context *, struct llama_batch)}. */
    public static native int llama_decode(Pointer ctx, Batch batch);

    /** {@code float * llama_get_logits_ith(struct llama_context *, int32_t)}. */
    public static native Pointer llama_get_logits_ith(Pointer ctx, int i);

    /** {@code int32_t llama_vocab_n_tokens(const struct llama_vocab *)}. */
    public static native int llama_vocab_n_tokens(Pointer vocab);

    /** {@code llama_token llama_vocab_bos(const struct llama_vocab *)}. */
    public static native int llama_vocab_bos(Pointer vocab);

    /** {@code llama_token llama_vocab_eos(const struct llama_vocab *)}. */
    public static native int llama_vocab_eos(Pointer vocab);

    /** {@code llama_token llama_vocab_eot(const struct llama_vocab *)}. */
    public static native int llama_vocab_eot(Pointer vocab);

    /** {@code llama_token llama_vocab_nl(const struct llama_vocab *)}. */
    public static native int llama_vocab_nl(Pointer vocab);

    /** {@code llama_token llama_vocab_pad(const struct llama_vocab *)}. */
    public static native int llama_vocab_pad(Pointer vocab);

    /** {@code bool llama_vocab_is_eog(const struct llama_vocab *, llama_token)}. */
    public static native byte llama_vocab_is_eog(Pointer vocab, int token);

    /** {@code bool llama_vocab_get_add_bos(const struct llama_vocab *)}. */
    public static native byte llama_vocab_get_add_bos(Pointer vocab);

    /** {@code bool llama_vocab_get_add_eos(const struct llama_vocab *)}. */
    public static native byte llama_vocab_get_add_eos(Pointer vocab);

    /**
     * {@code int32_t llama_tokenize(const struct llama_vocab *, const char * text, int32_t text_len,
     * llama_token * tokens, int32_t n_tokens_max, bool add_special, bool parse_special)}; returns the
     * negated required size when {@code tokens} is too small.
     */
    public static native int llama_tokenize(Pointer vocab, byte[] text, int textLen, int[] tokens, int nTokensMax,
            byte addSpecial, byte parseSpecial);

    /**
     * {@code int32_t llama_token_to_piece(const struct llama_vocab *, llama_token, char * buf,
     * int32_t length, int32_t lstrip, bool special)}; negated required size when too small.
     */
    public static native int llama_token_to_piece(Pointer vocab, int token, byte[] buf, int length, int lstrip,
            byte special);

    /**
     * {@code int32_t llama_detokenize(const struct llama_vocab *, const llama_token *, int32_t,
     * char * text, int32_t text_len_max, bool remove_special, bool unparse_special)}.
     */
    public static native int llama_detokenize(Pointer vocab, int[] tokens, int nTokens, byte[] text, int textLenMax,
            byte removeSpecial, byte unparseSpecial);

    /**
     * {@code int32_t llama_chat_apply_template(const char * tmpl, const struct llama_chat_message * chat,
     * size_t n_msg, bool add_ass, char * buf, int32_t length)} (this build has no model argument).
     */
    public static native int llama_chat_apply_template(Pointer tmpl, Pointer chat, long nMsg, byte addAss,
            byte[] buf, int length);

    /** {@code struct llama_sampler * llama_sampler_chain_init(struct llama_sampler_chain_params)}. */
    public static native Pointer llama_sampler_chain_init(byte noPerf);

    /** {@code void llama_sampler_chain_add(struct llama_sampler * chain, struct llama_sampler * smpl)}. */
    public static native void llama_sampler_chain_add(Pointer chain, Pointer sampler);

    /** {@code struct llama_sampler * llama_sampler_init_greedy(void)}. */
    public static native Pointer llama_sampler_init_greedy();

    /** {@code struct llama_sampler * llama_sampler_init_dist(uint32_t seed)}. */
    public static native Pointer llama_sampler_init_dist(int seed);

    /** {@code struct llama_sampler * llama_sampler_init_top_k(int32_t k)}. */
    public static native Pointer llama_sampler_init_top_k(int k);

    /** {@code struct llama_sampler * llama_sampler_init_top_p(float p, size_t min_keep)}. */
    public static native Pointer llama_sampler_init_top_p(float p, long minKeep);

    /** {@code struct llama_sampler * llama_sampler_init_min_p(float p, size_t min_keep)}. */
    public static native Pointer llama_sampler_init_min_p(float p, long minKeep);

    /** {@code struct llama_sampler * llama_sampler_init_temp(float t)}. */
    public static native Pointer llama_sampler_init_temp(float t);

    /**
     * {@code struct llama_sampler * llama_sampler_init_penalties(int32_t penalty_last_n,
     * float penalty_repeat, float penalty_freq, float penalty_present)}.
     */
    public static native Pointer llama_sampler_init_penalties(int lastN, float repeat, float freq, float present);

    /**
     * {@code struct llama_sampler * llama_sampler_init_grammar(const struct llama_vocab *,
     * const char * grammar_str, const char * grammar_root)}; NULL when the grammar does not parse.
     */
    public static native Pointer llama_sampler_init_grammar(Pointer vocab, String grammar, String root);

    /** {@code llama_token llama_sampler_sample(struct llama_sampler *, struct llama_context *, int32_t idx)}. */
    public static native int llama_sampler_sample(Pointer sampler, Pointer ctx, int idx);

    /** {@code void llama_sampler_accept(struct llama_sampler *, llama_token)}. */
    public static native void llama_sampler_accept(Pointer sampler, int token);

    /** {@code void llama_sampler_reset(struct llama_sampler *)}. */
    public static native void llama_sampler_reset(Pointer sampler);

    /** {@code void llama_sampler_free(struct llama_sampler *)}; frees a chain with its samplers. */
    public static native void llama_sampler_free(Pointer sampler);

    /** {@code struct llama_adapter_lora * llama_adapter_lora_init(struct llama_model *, const char *)}. */
    public static native Pointer llama_adapter_lora_init(Pointer model, String path);

    /** {@code void llama_adapter_lora_free(struct llama_adapter_lora *)}. */
    public static native void llama_adapter_lora_free(Pointer adapter);

    /** {@code int32_t llama_set_adapter_lora(struct llama_context *, struct llama_adapter_lora *, float)}. */
    public static native int llama_set_adapter_lora(Pointer ctx, Pointer adapter, float scale);

    /** {@code void llama_clear_adapter_lora(struct llama_context *)}. */
    public static native void llama_clear_adapter_lora(Pointer ctx);

    /** {@code void llama_kv_self_clear(struct llama_context *)}. */
    public static native void llama_kv_self_clear(Pointer ctx);

    /** {@code bool llama_kv_self_seq_rm(struct llama_context *, llama_seq_id, llama_pos p0, llama_pos p1)}. */
    public static native byte llama_kv_self_seq_rm(Pointer ctx, int seqId, int p0, int p1);

    /** {@code llama_pos llama_kv_self_seq_pos_max(struct llama_context *, llama_seq_id)}. */
    public static native int llama_kv_self_seq_pos_max(Pointer ctx, int seqId);
}
