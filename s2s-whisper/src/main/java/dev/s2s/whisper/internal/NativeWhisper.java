package dev.s2s.whisper.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * Direct access, through JNA, to the C API of the {@code libwhisper.so.1} that whisper-jni 1.7.1
 * bundles and has already loaded (the same library image, found in {@code /proc/self/maps}).
 * Only functions with plain pointer and integer arguments are bound: nothing here passes or
 * returns a C struct by value, so there is no struct layout to get wrong. Linux only.
 *
 * <p>whisper-jni keeps its contexts and states behind private integer handles, so its states
 * cannot be read from here; callers make their own contexts with
 * {@link Api#whisper_init_from_file_no_state}. Thread-safe as whisper.cpp is: one state per
 * thread, contexts shared read-only.
 */
public final class NativeWhisper {

    /** The bound subset of whisper.h (v1.7.1). */
    @SuppressWarnings({"checkstyle:MethodName", "MethodName"})
    public interface Api extends Library {
        /** {@code whisper_context * whisper_init_from_file_no_state(const char *)}, default context params. */
        Pointer whisper_init_from_file_no_state(String path);

        /** {@code whisper_state * whisper_init_state(whisper_context *)}. */
        Pointer whisper_init_state(Pointer ctx);

        /** {@code void whisper_free_state(whisper_state *)}. */
        void whisper_free_state(Pointer state);

        /** {@code void whisper_free(whisper_context *)}. */
        void whisper_free(Pointer ctx);

        /** {@code int whisper_pcm_to_mel_with_state(ctx, state, const float *, int, int n_threads)}. */
        int whisper_pcm_to_mel_with_state(Pointer ctx, Pointer state, float[] samples, int n, int threads);

        /** {@code int whisper_encode_with_state(ctx, state, int offset, int n_threads)}. */
        int whisper_encode_with_state(Pointer ctx, Pointer state, int offset, int threads);

        /** {@code int whisper_lang_auto_detect_with_state(ctx, state, int offset_ms, int n_threads, float *)}. */
        int whisper_lang_auto_detect_with_state(Pointer ctx, Pointer state, int offsetMs, int threads, float[] probs);

        /** {@code int whisper_lang_max_id(void)}. */
        int whisper_lang_max_id();

        /** {@code const char * whisper_lang_str(int id)}. */
        String whisper_lang_str(int id);

        /** {@code int whisper_is_multilingual(whisper_context *)}. */
        int whisper_is_multilingual(Pointer ctx);

        /** {@code whisper_full_params * whisper_full_default_params_by_ref(enum strategy)} (heap, library layout). */
        Pointer whisper_full_default_params_by_ref(int strategy);

        /** {@code void whisper_free_params(whisper_full_params *)}. */
        void whisper_free_params(Pointer params);

        /** {@code int whisper_full_with_state(ctx, state, struct whisper_full_params, const float *, int)}. */
        int whisper_full_with_state(Pointer ctx, Pointer state, FullParams params, float[] samples, int n);

        /** {@code int whisper_full_n_segments_from_state(state)}. */
        int whisper_full_n_segments_from_state(Pointer state);

        /** {@code int64_t whisper_full_get_segment_t0_from_state(state, i)}. */
        long whisper_full_get_segment_t0_from_state(Pointer state, int segment);

        /** {@code int64_t whisper_full_get_segment_t1_from_state(state, i)}. */
        long whisper_full_get_segment_t1_from_state(Pointer state, int segment);

        /** {@code const char * whisper_full_get_segment_text_from_state(state, i)} (UTF-8). */
        Pointer whisper_full_get_segment_text_from_state(Pointer state, int segment);

        /** {@code int whisper_full_n_tokens_from_state(state, i)}. */
        int whisper_full_n_tokens_from_state(Pointer state, int segment);

        /** {@code whisper_token whisper_full_get_token_id_from_state(state, i, j)}. */
        int whisper_full_get_token_id_from_state(Pointer state, int segment, int token);

        /** {@code float whisper_full_get_token_p_from_state(state, i, j)}. */
        float whisper_full_get_token_p_from_state(Pointer state, int segment, int token);

        /** {@code int whisper_full_lang_id_from_state(state)}. */
        int whisper_full_lang_id_from_state(Pointer state);

        /** {@code whisper_token whisper_token_eot(ctx)}: ids from here on are special tokens. */
        int whisper_token_eot(Pointer ctx);
    }

    /** glibc's {@code malloc_usable_size}, to bound the size of a struct the library allocated. */
    public interface LibC extends Library {
        /** {@code size_t malloc_usable_size(void *)}. */
        long malloc_usable_size(Pointer p);
    }

    /**
     * {@code struct whisper_full_params} passed by value as an opaque block of 33 eight-byte words
     * (264 bytes, 8-byte aligned). Larger than 16 bytes, so the x86-64 SysV ABI passes it in memory
     * and only its size and alignment matter; its bytes are copied from the library's own
     * defaults ({@link Api#whisper_full_default_params_by_ref}) and patched at checked offsets.
     */
    @Structure.FieldOrder("w")
    public static class FullParams extends Structure implements Structure.ByValue {
        /** The raw words. */
        public long[] w = new long[FULL_PARAMS_BYTES / 8];
    }

    /** {@code sizeof(struct whisper_full_params)} in whisper.cpp 1.7.1 on x86-64 (verified at run time). */
    public static final int FULL_PARAMS_BYTES = 264;

    private static volatile Api api;
    private static volatile LibC libc;

    private NativeWhisper() {
    }

    /**
     * The bound API. whisper-jni's library must have been loaded already
     * ({@code WhisperJNI.loadLibrary()}).
     *
     * @throws IllegalStateException when the library image cannot be found
     */
    public static Api api() {
        Api a = api;
        if (a == null) {
            synchronized (NativeWhisper.class) {
                a = api;
                if (a == null) {
                    a = Native.load(loadedLibrary().toString(), Api.class);
                    api = a;
                }
            }
        }
        return a;
    }

    /** glibc, for {@code malloc_usable_size}. */
    public static LibC libc() {
        LibC c = libc;
        if (c == null) {
            c = Native.load("c", LibC.class);
            libc = c;
        }
        return c;
    }

    /** The path of the {@code libwhisper.so.1} mapped into this process. */
    static Path loadedLibrary() {
        try {
            List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
            for (String line : maps) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.endsWith("/libwhisper.so.1")) {
                    return Path.of(line.substring(slash));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/maps to find libwhisper: " + e.getMessage(), e);
        }
        throw new IllegalStateException("libwhisper.so.1 is not loaded (load whisper-jni first; Linux only)");
    }
}
