package dev.s2s.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The native baseline of {@link DirectBench}: a plain llama.cpp decode loop in C (decode, greedy
 * sample, detokenize), compiled at run time with the system {@code gcc} and linked against the
 * very {@code libjllama} file llama-direct uses. The C source declares the few functions and
 * structs it calls itself (llama.cpp b4916 layouts). Not thread-safe.
 */
public final class DirectCLoop {

    /**
     * One repetition.
     *
     * @param tokens          generated tokens
     * @param ttftMicros      time to first token
     * @param tokensPerSecond after the first token
     * @param totalMicros     the whole repetition, tokenization to last token
     * @param cpuMicros       process CPU time of the repetition
     */
    public record Run(int tokens, double ttftMicros, double tokensPerSecond, double totalMicros, double cpuMicros) {
    }

    /** All repetitions and the text of the last. @param runs the runs @param text generated text */
    public record Result(List<Run> runs, String text) {
    }

    static final String SOURCE = """
/*
 * A plain llama.cpp decode loop (decode, greedy sample, detokenize), the native baseline of
 * dev.s2s.benchmarks.DirectBench. It is linked against the libjllama.so that java-llama.cpp
 * 4.2.0 ships (llama.cpp build 4916) and declares the few functions and structs it uses itself,
 * matching that build's llama.h.
 *
 * usage: direct_decode_loop MODEL PROMPT N_PREDICT REPS PAUSE_MS (a pause before every repetition)
 * prints one line per repetition: "rep <i> tokens <n> ttft_us <t> tps <x> total_us <t> cpu_us <t>", then "text <...>".
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef int32_t llama_token;
typedef int32_t llama_pos;
typedef int32_t llama_seq_id;
struct llama_model;
struct llama_context;
struct llama_vocab;
struct llama_sampler;

struct llama_model_params {
    void * devices;
    int32_t n_gpu_layers;
    int32_t split_mode;
    int32_t main_gpu;
    const float * tensor_split;
    void * progress_callback;
    void * progress_callback_user_data;
    const void * kv_overrides;
    bool vocab_only, use_mmap, use_mlock, check_tensors;
};

struct llama_context_params {
    uint32_t n_ctx, n_batch, n_ubatch, n_seq_max;
    int32_t n_threads, n_threads_batch;
    int32_t rope_scaling_type, pooling_type, attention_type;
    float rope_freq_base, rope_freq_scale, yarn_ext_factor, yarn_attn_factor, yarn_beta_fast, yarn_beta_slow;
    uint32_t yarn_orig_ctx;
    float defrag_thold;
    void * cb_eval;
    void * cb_eval_user_data;
    int32_t type_k, type_v;
    bool logits_all, embeddings, offload_kqv, flash_attn, no_perf;
    void * abort_callback;
    void * abort_callback_data;
};

struct llama_batch {
    int32_t n_tokens;
    llama_token * token;
    float * embd;
    llama_pos * pos;
    int32_t * n_seq_id;
    llama_seq_id ** seq_id;
    int8_t * logits;
};

struct llama_sampler_chain_params { bool no_perf; };

void llama_log_set(void (*cb)(int, const char *, void *), void * user);
void llama_backend_init(void);
struct llama_model_params llama_model_default_params(void);
struct llama_context_params llama_context_default_params(void);
struct llama_model * llama_model_load_from_file(const char * path, struct llama_model_params params);
struct llama_context * llama_init_from_model(struct llama_model * model, struct llama_context_params params);
const struct llama_vocab * llama_model_get_vocab(const struct llama_model * model);
int32_t llama_tokenize(const struct llama_vocab * vocab, const char * text, int32_t text_len, llama_token * tokens,
                       int32_t n_tokens_max, bool add_special, bool parse_special);
int32_t llama_token_to_piece(const struct llama_vocab * vocab, llama_token token, char * buf, int32_t length,
                             int32_t lstrip, bool special);
bool llama_vocab_is_eog(const struct llama_vocab * vocab, llama_token token);
struct llama_batch llama_batch_get_one(llama_token * tokens, int32_t n_tokens);
int32_t llama_decode(struct llama_context * ctx, struct llama_batch batch);
struct llama_sampler * llama_sampler_chain_init(struct llama_sampler_chain_params params);
void llama_sampler_chain_add(struct llama_sampler * chain, struct llama_sampler * smpl);
struct llama_sampler * llama_sampler_init_greedy(void);
llama_token llama_sampler_sample(struct llama_sampler * smpl, struct llama_context * ctx, int32_t idx);
void llama_sampler_reset(struct llama_sampler * smpl);
void llama_sampler_free(struct llama_sampler * smpl);
void llama_kv_self_clear(struct llama_context * ctx);
void llama_free(struct llama_context * ctx);
void llama_model_free(struct llama_model * model);

static void quiet(int level, const char * text, void * user) { (void) level; (void) text; (void) user; }

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double cpu_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char ** argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s MODEL PROMPT N_PREDICT REPS PAUSE_MS\\n", argv[0]);
        return 2;
    }
    const char * prompt = argv[2];
    int n_predict = atoi(argv[3]);
    int reps = atoi(argv[4]);
    int pause_ms = atoi(argv[5]);
    llama_log_set(quiet, NULL);
    llama_backend_init();
    struct llama_model * model = llama_model_load_from_file(argv[1], llama_model_default_params());
    if (!model) { fprintf(stderr, "cannot load %s\\n", argv[1]); return 1; }
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = 512; cp.n_batch = 512; cp.n_ubatch = 512; cp.n_threads = 1; cp.n_threads_batch = 1;
    struct llama_context * ctx = llama_init_from_model(model, cp);
    if (!ctx) { fprintf(stderr, "cannot create a context\\n"); return 1; }
    const struct llama_vocab * vocab = llama_model_get_vocab(model);
    struct llama_sampler_chain_params sp = { true };
    struct llama_sampler * smpl = llama_sampler_chain_init(sp);
    llama_sampler_chain_add(smpl, llama_sampler_init_greedy());
    static char text[1 << 16];
    llama_token prompt_tokens[512];
    for (int rep = 0; rep < reps; rep++) {
        usleep((useconds_t) pause_ms * 1000);
        llama_kv_self_clear(ctx);
        llama_sampler_reset(smpl);
        size_t len = 0;
        double c0 = cpu_us();
        double t0 = now_us(), t_first = 0, t_last = 0;
        int n_prompt = llama_tokenize(vocab, prompt, (int32_t) strlen(prompt), prompt_tokens, 512, true, true);
        if (n_prompt < 0 || llama_decode(ctx, llama_batch_get_one(prompt_tokens, n_prompt)) != 0) {
            fprintf(stderr, "prompt decode failed\\n");
            return 1;
        }
        int n = 0;
        for (;;) {
            llama_token tok = llama_sampler_sample(smpl, ctx, -1);
            t_last = now_us();
            if (n == 0) t_first = t_last;
            if (llama_vocab_is_eog(vocab, tok)) break;
            n++;
            char piece[256];
            int k = llama_token_to_piece(vocab, tok, piece, sizeof piece, 0, false);
            if (k > 0 && len + (size_t) k < sizeof text) { memcpy(text + len, piece, (size_t) k); len += (size_t) k; }
            if (n >= n_predict) break;
            if (llama_decode(ctx, llama_batch_get_one(&tok, 1)) != 0) { fprintf(stderr, "decode failed\\n"); return 1; }
        }
        text[len] = 0;
        double tps = n > 1 ? (n - 1) / ((t_last - t_first) / 1e6) : 0;
        double total = now_us() - t0;
        printf("rep %d tokens %d ttft_us %.1f tps %.1f total_us %.1f cpu_us %.1f\\n", rep, n, t_first - t0, tps, total,
               cpu_us() - c0);
    }
    printf("text %s\\n", text);
    llama_sampler_free(smpl);
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
""";

    private DirectCLoop() {
    }

    /** Compiles the loop into {@code dir} against {@code library}; returns the executable. */
    public static Path compile(Path library, Path dir) throws IOException, InterruptedException {
        Path c = dir.resolve("direct_decode_loop.c");
        Path exe = dir.resolve("direct_decode_loop");
        Files.writeString(c, SOURCE, StandardCharsets.UTF_8);
        Path libDir = library.toAbsolutePath().getParent();
        run(List.of("gcc", "-O2", "-std=gnu11", "-o", exe.toString(), c.toString(), library.toAbsolutePath().toString(),
                "-Wl,-rpath," + libDir), 120);
        return exe;
    }

    /** Runs the loop: {@code reps} repetitions, each after a pause of {@code pauseMillis}. */
    public static Result run(Path exe, Path model, String prompt, int nPredict, int reps, int pauseMillis)
            throws IOException, InterruptedException {
        String out = run(List.of(exe.toString(), model.toString(), prompt, Integer.toString(nPredict),
                Integer.toString(reps), Integer.toString(pauseMillis)), 600);
        List<Run> runs = new ArrayList<>();
        int textAt = out.indexOf("\ntext ");
        String text = textAt < 0 ? "" : out.substring(textAt + 6, out.length() - 1);
        for (String line : (textAt < 0 ? out : out.substring(0, textAt)).split("\n")) {
            String[] f = line.split(" ");
            if (line.startsWith("rep ")) {
                runs.add(new Run(Integer.parseInt(f[3]), Double.parseDouble(f[5]), Double.parseDouble(f[7]),
                        Double.parseDouble(f[9]), Double.parseDouble(f[11])));
            }
        }
        return new Result(runs, text);
    }

    private static String run(List<String> cmd, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] all = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        String out = new String(all, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(cmd.get(0) + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }
}
