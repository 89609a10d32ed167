package dev.s2s.espeak.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The part of libespeak-ng's C API ({@code speak_lib.h}) the plugin uses, bound through JNA.
 * The library is a process-wide singleton and not thread-safe: callers serialize every call.
 */
public interface EspeakLibrary extends Library {

    /** {@code AUDIO_OUTPUT_SYNCHRONOUS}: synthesize in the calling thread, delivering samples to the callback. */
    int AUDIO_OUTPUT_SYNCHRONOUS = 2;
    /** {@code espeakCHARS_UTF8}. */
    int CHARS_UTF8 = 1;
    /** {@code espeakSSML}. */
    int SSML = 0x10;
    /** {@code POS_CHARACTER}. */
    int POS_CHARACTER = 1;
    /** {@code espeakRATE}: words per minute. */
    int PARAM_RATE = 1;
    /** {@code espeakPITCH}: 0-100, 50 normal. */
    int PARAM_PITCH = 3;
    /** {@code EE_OK}. */
    int EE_OK = 0;

    /** {@code t_espeak_callback}: return 0 to go on, 1 to abort. */
    interface SynthCallback extends Callback {
        /** @param wav 16-bit samples, or null at the end @param numSamples count @param events event list */
        int invoke(Pointer wav, int numSamples, Pointer events);
    }

    /** @return the sample rate, or -1 on error */
    int espeak_Initialize(int output, int bufLengthMs, String path, int options);

    /** Sets the callback that receives the samples. */
    void espeak_SetSynthCallback(SynthCallback callback);

    /** Selects a voice by name or language. */
    int espeak_SetVoiceByName(String name);

    /** Sets a parameter. */
    int espeak_SetParameter(int parameter, int value, int relative);

    /** Speaks {@code text} ({@code size} bytes including the terminating NUL). */
    int espeak_Synth(byte[] text, long size, int position, int positionType, int endPosition, int flags,
            Pointer uniqueIdentifier, Pointer userData);

    /** Lists voices matching {@code spec} (null for all): a NULL-terminated array of {@code espeak_VOICE*}. */
    Pointer espeak_ListVoices(Pointer spec);

    /**
     * Loads the library: {@code name} when given, else {@code espeak-ng}, else the Debian runtime
     * file {@code libespeak-ng.so.1} (the unversioned link comes only with the -dev package).
     *
     * @throws UnsatisfiedLinkError listing every name tried
     */
    static EspeakLibrary load(String name) {
        List<String> names = new ArrayList<>();
        if (name != null && !name.isBlank()) {
            names.add(name);
        } else {
            names.add("espeak-ng");
            names.add("libespeak-ng.so.1");
        }
        List<String> errors = new ArrayList<>();
        for (String n : names) {
            try {
                return Native.load(n, EspeakLibrary.class);
            } catch (UnsatisfiedLinkError e) {
                errors.add(n + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        throw new UnsatisfiedLinkError("libespeak-ng not found (install the Debian package libespeak-ng1); tried "
                + errors);
    }

    /**
     * A voice of {@link #espeak_ListVoices}.
     *
     * @param identifier e.g. {@code gmw/en}, a name {@link #espeak_SetVoiceByName} accepts
     * @param languages  the language tags it speaks with their priorities (lower is preferred)
     */
    record VoiceInfo(String identifier, Map<String, Integer> languages) {
    }

    /** Reads the voices from {@link #espeak_ListVoices}: each with its identifier (e.g. {@code gmw/en}). */
    static List<String> voiceIds(Pointer list) {
        return voices(list).stream().map(VoiceInfo::identifier).toList();
    }

    /**
     * Reads the voices from {@link #espeak_ListVoices}. The {@code espeak_VOICE} struct starts with
     * {@code name}, {@code languages} and {@code identifier} pointers; {@code languages} is a run
     * of (priority byte, NUL-terminated tag) pairs ended by a zero priority.
     */
    static List<VoiceInfo> voices(Pointer list) {
        List<VoiceInfo> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        for (int i = 0; i < 10_000; i++) {
            Pointer v = list.getPointer((long) i * Native.POINTER_SIZE);
            if (v == null) {
                break;
            }
            Pointer id = v.getPointer(2L * Native.POINTER_SIZE);
            if (id == null) {
                continue;
            }
            Map<String, Integer> langs = new LinkedHashMap<>();
            Pointer l = v.getPointer(Native.POINTER_SIZE);
            for (long off = 0; l != null && off < 1_000; ) {
                int priority = l.getByte(off) & 0xff;
                if (priority == 0) {
                    break;
                }
                String tag = l.getString(off + 1, "UTF-8");
                langs.putIfAbsent(tag.toLowerCase(Locale.ROOT), priority);
                off += 1 + tag.getBytes(StandardCharsets.UTF_8).length + 1;
            }
            out.add(new VoiceInfo(id.getString(0, "UTF-8"), langs));
        }
        return out;
    }

    /**
     * The voice for a language tag such as {@code en-gb} (with an optional {@code +variant}, e.g.
     * {@code en-gb+f3}): the identifier of the voice that lists the tag with the best priority,
     * with the variant kept; empty when no voice speaks it.
     */
    static Optional<String> byLanguage(List<VoiceInfo> voices, String tag) {
        int plus = tag.indexOf('+');
        String lang = (plus < 0 ? tag : tag.substring(0, plus)).toLowerCase(Locale.ROOT).replace('_', '-');
        String variant = plus < 0 ? "" : tag.substring(plus);
        VoiceInfo best = null;
        for (VoiceInfo v : voices) {
            Integer p = v.languages().get(lang);
            if (p != null && (best == null || p < best.languages().get(lang))) {
                best = v;
            }
        }
        return best == null ? Optional.empty() : Optional.of(best.identifier() + variant);
    }
}
