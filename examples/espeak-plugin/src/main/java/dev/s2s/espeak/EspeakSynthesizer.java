package dev.s2s.espeak;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import com.sun.jna.Pointer;

import dev.s2s.api.AudioClip;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SynthesisException;
import dev.s2s.api.SynthesisOptions;
import dev.s2s.espeak.internal.EspeakLibrary;

/**
 * Speech from the system's libespeak-ng: mono 16-bit audio at the library's rate (22,050 Hz).
 *
 * <p>libespeak-ng is one global engine per process. Every instance shares it: calls are serialized
 * on one process-wide lock, and each call sets its own voice, rate and pitch first. The engine is
 * initialized by the first instance and then kept for the life of the process: libespeak-ng 1.51's
 * {@code espeak_Terminate} can block forever in synchronous mode (seen on Debian 12), so
 * {@link #close()} only retires the instance. The engine's memory is a few megabytes of voice
 * data, freed when the process exits.
 *
 * <p>Thread-safe (calls are serialized).
 */
public final class EspeakSynthesizer implements SpeechSynthesizer {

    private static final ReentrantLock ENGINE = new ReentrantLock();
    private static EspeakLibrary lib;
    private static int sampleRate;
    /** Language tags resolved to voice identifiers (e.g. en-gb to gmw/en); guarded by {@link #ENGINE}. */
    private static final Map<String, String> RESOLVED = new HashMap<>();
    /** Receives the samples of the call in progress; guarded by {@link #ENGINE}. */
    private static ByteArrayOutputStream sink;
    /** Held strongly: JNA callbacks are freed once unreachable. */
    private static final EspeakLibrary.SynthCallback CALLBACK = (wav, n, events) -> {
        if (wav != null && n > 0 && sink != null) {
            byte[] b = wav.getByteArray(0, n * 2);
            sink.write(b, 0, b.length);
        }
        return 0;
    };

    private final String voice;
    private final int rate;
    private final int pitch;
    private volatile boolean closed;

    /**
     * Opens the engine.
     *
     * @param library  the library name or path, or null for the default ({@code libespeak-ng.so.1})
     * @param dataPath the espeak-ng-data folder's parent, or null for the library's default
     * @param voice    the default voice or language (e.g. {@code en-us}, {@code gmw/en-GB-x-rp}, or a
     *                 language tag such as {@code en-gb}, optionally with a variant: {@code en-gb+f3}),
     *                 or null for English
     * @param rate     words per minute, 80-450
     * @param pitch    0-100, 50 is normal
     * @throws SynthesisException when the library cannot be loaded or initialized, or the voice is unknown
     */
    public EspeakSynthesizer(String library, String dataPath, String voice, int rate, int pitch) {
        if (rate < 80 || rate > 450) {
            throw new SynthesisException("espeak rate must be 80-450 words per minute, got " + rate);
        }
        if (pitch < 0 || pitch > 100) {
            throw new SynthesisException("espeak pitch must be 0-100, got " + pitch);
        }
        this.voice = voice == null || voice.isBlank() ? "en" : voice.trim();
        this.rate = rate;
        this.pitch = pitch;
        ENGINE.lock();
        try {
            if (lib == null) {
                EspeakLibrary l;
                try {
                    l = EspeakLibrary.load(library);
                } catch (UnsatisfiedLinkError e) {
                    throw new SynthesisException(e.getMessage(), e);
                }
                int sr = l.espeak_Initialize(EspeakLibrary.AUDIO_OUTPUT_SYNCHRONOUS, 0, dataPath, 0);
                if (sr <= 0) {
                    throw new SynthesisException("espeak_Initialize failed (" + sr + ")"
                            + (dataPath == null ? "" : " with data path " + dataPath)
                            + "; is espeak-ng-data installed?");
                }
                l.espeak_SetSynthCallback(CALLBACK);
                lib = l;
                sampleRate = sr;
            }
            selectVoice(this.voice);
        } finally {
            ENGINE.unlock();
        }
    }

    /** The output sample rate. */
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public AudioClip synthesize(String text, SynthesisOptions options) {
        if (text == null) {
            throw new SynthesisException("text must not be null");
        }
        SynthesisOptions o = options == null ? SynthesisOptions.defaults() : options;
        ENGINE.lock();
        try {
            if (closed) {
                throw new SynthesisException("this espeak synthesizer is closed");
            }
            if (text.isBlank()) {
                return AudioClip.mono(new float[0], sampleRate);
            }
            String v = o.voice() != null ? o.voice() : o.language() != null ? o.language() : voice;
            selectVoice(v);
            check(lib.espeak_SetParameter(EspeakLibrary.PARAM_RATE, o.slow() ? Math.max(80, rate * 2 / 3) : rate, 0),
                    "set the rate");
            check(lib.espeak_SetParameter(EspeakLibrary.PARAM_PITCH, pitch, 0), "set the pitch");
            byte[] raw = text.getBytes(StandardCharsets.UTF_8);
            byte[] utf8 = Arrays.copyOf(raw, raw.length + 1); // NUL-terminated
            int flags = EspeakLibrary.CHARS_UTF8 | (o.ssml() ? EspeakLibrary.SSML : 0);
            sink = new ByteArrayOutputStream(sampleRate * 2);
            try {
                check(lib.espeak_Synth(utf8, utf8.length, 0, EspeakLibrary.POS_CHARACTER, 0, flags, Pointer.NULL,
                        Pointer.NULL), "synthesize");
                // In synchronous mode espeak_Synth returns when all samples went to the callback
                // (espeak_Synchronize would wait for an audio thread that does not exist).
                byte[] pcm = sink.toByteArray();
                float[] out = new float[pcm.length / 2];
                for (int i = 0; i < out.length; i++) {
                    short s = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8));
                    out[i] = s / 32768f;
                }
                return AudioClip.mono(out, sampleRate);
            } finally {
                sink = null;
            }
        } finally {
            ENGINE.unlock();
        }
    }

    private static void selectVoice(String v) {
        if (v.indexOf('\0') >= 0 || v.length() > 100) {
            throw new SynthesisException("bad espeak voice name");
        }
        // a language tag such as en-gb names no voice file: it is resolved once to the voice that speaks it
        String resolved = RESOLVED.get(v);
        int rc = lib.espeak_SetVoiceByName(resolved != null ? resolved : v);
        if (rc != EspeakLibrary.EE_OK && resolved == null) {
            Optional<String> byLanguage = EspeakLibrary.byLanguage(
                    EspeakLibrary.voices(lib.espeak_ListVoices(Pointer.NULL)), v);
            if (byLanguage.isPresent()) {
                rc = lib.espeak_SetVoiceByName(byLanguage.get());
                if (rc == EspeakLibrary.EE_OK) {
                    RESOLVED.put(v, byLanguage.get());
                }
            }
        }
        if (rc != EspeakLibrary.EE_OK) {
            throw new SynthesisException("unknown espeak voice or language '" + v + "' (espeak error " + rc
                    + "); see voices(), e.g. en, en-us, fr, de");
        }
    }

    private static void check(int rc, String what) {
        if (rc != EspeakLibrary.EE_OK) {
            throw new SynthesisException("espeak could not " + what + " (error " + rc + ")");
        }
    }

    /** The voice identifiers the library offers, e.g. {@code gmw/en}, {@code roa/fr}. */
    @Override
    public List<String> voices() {
        ENGINE.lock();
        try {
            if (closed) {
                throw new SynthesisException("this espeak synthesizer is closed");
            }
            return List.copyOf(EspeakLibrary.voiceIds(lib.espeak_ListVoices(Pointer.NULL)));
        } finally {
            ENGINE.unlock();
        }
    }

    @Override
    public void close() {
        ENGINE.lock();
        try {
            closed = true;
        } finally {
            ENGINE.unlock();
        }
    }

    @Override
    public String toString() {
        return "EspeakSynthesizer[" + voice + ", " + rate + " wpm]";
    }
}
