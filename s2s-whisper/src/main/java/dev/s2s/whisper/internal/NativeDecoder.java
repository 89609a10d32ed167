package dev.s2s.whisper.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * whisper.cpp's {@code whisper_full_with_state} called through JNA on a JNA-owned context, so
 * that the decoding state stays readable: token probabilities and the detected language.
 *
 * <p>{@code whisper_full_params} is passed by value. To make that safe, its layout is verified at
 * run time against the library itself before the first use ({@link #layoutVerified()}): the
 * library's own defaults ({@code whisper_full_default_params_by_ref}) must show the expected
 * values at the expected offsets (n_max_text_ctx 16384, thresholds 0.01, language "en",
 * max_initial_ts 1, length_penalty -1, temperature_inc 0.2, entropy 2.4, logprob -1, no-speech
 * 0.6, best_of 5, grammar_penalty 100 as the last field, null callbacks) and glibc must report
 * the allocation as exactly 264 usable bytes, which bounds {@code sizeof} to 257..264. When any
 * check fails the decoder is unavailable and callers fall back to whisper-jni. The parameter
 * block is a copy of the library's defaults with only verified fields changed.
 *
 * <p>Thread-safe: one whisper state per call.
 */
public final class NativeDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(NativeDecoder.class);
    private static final int GREEDY = 0;
    private static final int BEAM = 1;
    private static volatile Boolean verified;

    private NativeDecoder() {
    }

    /** One decoding request. */
    public record Request(int threads, String language, boolean translate, String initialPrompt, boolean noTimestamps,
            boolean singleSegment, float temperature, float temperatureInc, int bestOf, int beamSize) {
    }

    /** One decoded segment: text, times in 10 ms units, mean probability of its text tokens (NaN if none). */
    public record Seg(String text, long t0, long t1, double probability) {
    }

    /** The decoded segments and the language whisper.cpp used (detected or given). */
    public record Result(List<Seg> segments, String language) {
    }

    /** True when the struct layout of the loaded library matches whisper.cpp 1.7.1 on x86-64. */
    public static boolean layoutVerified() {
        Boolean v = verified;
        if (v == null) {
            synchronized (NativeDecoder.class) {
                v = verified;
                if (v == null) {
                    v = check();
                    verified = v;
                }
            }
        }
        return v;
    }

    private static boolean check() {
        try {
            if (!"amd64".equals(System.getProperty("os.arch")) && !"x86_64".equals(System.getProperty("os.arch"))) {
                LOG.debug("token probabilities: only verified on x86-64 Linux");
                return false;
            }
            NativeWhisper.Api api = NativeWhisper.api();
            Pointer p = api.whisper_full_default_params_by_ref(GREEDY);
            if (p == null) {
                return false;
            }
            try {
                long usable = NativeWhisper.libc().malloc_usable_size(p);
                boolean ok = usable == NativeWhisper.FULL_PARAMS_BYTES
                        && p.getInt(0) == GREEDY && p.getInt(8) == 16384
                        && p.getByte(25) == 1 && p.getByte(27) == 1
                        && p.getFloat(32) == 0.01f && p.getFloat(36) == 0.01f
                        && p.getPointer(96) != null && "en".equals(p.getPointer(96).getString(0, "US-ASCII"))
                        && p.getByte(104) == 0 && p.getByte(105) == 1
                        && p.getFloat(108) == 0.0f && p.getFloat(112) == 1.0f && p.getFloat(116) == -1.0f
                        && p.getFloat(120) == 0.2f && p.getFloat(124) == 2.4f && p.getFloat(128) == -1.0f
                        && p.getFloat(132) == 0.6f && p.getInt(136) == 5
                        && p.getFloat(256) == 100.0f;
                for (int off = 152; ok && off <= 248; off += 8) {
                    ok = p.getLong(off) == 0;
                }
                if (!ok) {
                    LOG.debug("token probabilities disabled: whisper_full_params layout not as expected (usable {})", usable);
                }
                return ok;
            } finally {
                api.whisper_free_params(p);
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("token probabilities disabled: {}", e.toString());
            return false;
        }
    }

    /**
     * Decodes {@code pcm} (16 kHz mono, already padded to at least 1 s) with a fresh state on
     * {@code ctx}.
     *
     * @throws IllegalStateException when the layout is not verified or whisper.cpp fails
     */
    public static Result decode(Pointer ctx, float[] pcm, Request r) {
        if (!layoutVerified()) {
            throw new IllegalStateException("whisper_full_params layout not verified");
        }
        NativeWhisper.Api api = NativeWhisper.api();
        boolean beam = r.beamSize() > 1;
        Pointer defaults = api.whisper_full_default_params_by_ref(beam ? BEAM : GREEDY);
        byte[] bytes = defaults.getByteArray(0, NativeWhisper.FULL_PARAMS_BYTES);
        api.whisper_free_params(defaults);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Memory lang = cString(r.language());
        Memory prompt = cString(r.initialPrompt());
        b.putInt(4, r.threads());
        b.put(20, flag(r.translate()));
        b.put(21, (byte) 1); // no_context: never feed earlier text back
        b.put(22, flag(r.noTimestamps()));
        b.put(23, flag(r.singleSegment()));
        for (int off = 24; off <= 27; off++) {
            b.put(off, (byte) 0); // print_special, print_progress, print_realtime, print_timestamps
        }
        b.putLong(72, prompt == null ? 0 : Pointer.nativeValue(prompt));
        b.putLong(96, lang == null ? 0 : Pointer.nativeValue(lang));
        b.put(104, (byte) 0);
        b.putFloat(108, r.temperature());
        b.putFloat(120, r.temperatureInc());
        b.putInt(136, r.bestOf());
        if (beam) {
            b.putInt(140, r.beamSize());
        }
        NativeWhisper.FullParams fp = new NativeWhisper.FullParams();
        b.rewind();
        b.asLongBuffer().get(fp.w);
        Pointer state = api.whisper_init_state(ctx);
        if (state == null) {
            throw new IllegalStateException("whisper.cpp could not allocate a state");
        }
        try {
            int rc = api.whisper_full_with_state(ctx, state, fp, pcm, pcm.length);
            if (rc != 0) {
                throw new IllegalStateException("whisper_full_with_state failed with code " + rc);
            }
            int eot = api.whisper_token_eot(ctx);
            int n = api.whisper_full_n_segments_from_state(state);
            List<Seg> segs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Pointer t = api.whisper_full_get_segment_text_from_state(state, i);
                String text = t == null ? "" : new String(t.getByteArray(0, strlen(t)), StandardCharsets.UTF_8);
                double sum = 0;
                int count = 0;
                int tokens = api.whisper_full_n_tokens_from_state(state, i);
                for (int j = 0; j < tokens; j++) {
                    if (api.whisper_full_get_token_id_from_state(state, i, j) < eot) {
                        sum += api.whisper_full_get_token_p_from_state(state, i, j);
                        count++;
                    }
                }
                segs.add(new Seg(text, api.whisper_full_get_segment_t0_from_state(state, i),
                        api.whisper_full_get_segment_t1_from_state(state, i), count == 0 ? Double.NaN : sum / count));
            }
            int langId = api.whisper_full_lang_id_from_state(state);
            String language = langId >= 0 && langId <= api.whisper_lang_max_id() ? api.whisper_lang_str(langId) : null;
            return new Result(segs, language);
        } finally {
            api.whisper_free_state(state);
            // keep the strings alive until whisper.cpp is done with them
            if (lang != null) {
                lang.close();
            }
            if (prompt != null) {
                prompt.close();
            }
        }
    }

    private static int strlen(Pointer p) {
        int n = 0;
        while (p.getByte(n) != 0) {
            n++;
        }
        return n;
    }

    private static byte flag(boolean v) {
        return v ? (byte) 1 : (byte) 0;
    }

    private static Memory cString(String s) {
        if (s == null) {
            return null;
        }
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        Memory m = new Memory(u.length + 1L);
        m.write(0, u, 0, u.length);
        m.setByte(u.length, (byte) 0);
        return m;
    }
}
