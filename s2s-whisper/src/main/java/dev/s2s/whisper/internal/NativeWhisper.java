package dev.s2s.whisper.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

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
    }

    private static volatile Api api;

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
