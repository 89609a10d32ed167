package dev.s2s.whisper;

import dev.s2s.api.ConfigException;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.SpeechRecognizer;
import dev.s2s.api.SpeechRecognizerProvider;

/**
 * The {@code "whisper"} speech recognizer: whisper.cpp 1.7.1 through whisper-jni
 * ({@link WhisperRecognizer}). Configuration keys:
 * <ul>
 * <li>{@code model} (required): path of a whisper.cpp ggml {@code .bin} model (f16 or quantized;
 * all-f32 models are refused because whisper.cpp 1.7.1 aborts on them);</li>
 * <li>{@code threads} (default: half the processors, 1 to 4): native threads when a call's
 * options give 0;</li>
 * <li>{@code language} (default auto): language code used when a call's options give none;
 * {@code "auto"} detects it (multilingual models);</li>
 * <li>{@code detectLanguage} (default {@code true}): detect the language through JNA when none
 * is given;</li>
 * <li>{@code spareStates} (default 1): fresh native states kept ready for parallel calls;</li>
 * <li>{@code bestOf} (default 1): candidates per temperature-fallback step in greedy mode.</li>
 * </ul>
 * Per-call settings (language, translate, initial prompt, beam size, temperature and fallback
 * step, no-timestamps, single segment, threads) come from {@link dev.s2s.api.RecognitionOptions}.
 * Stateless and thread-safe.
 */
public final class WhisperRecognizerProvider implements SpeechRecognizerProvider {

    /** For {@link java.util.ServiceLoader}. */
    public WhisperRecognizerProvider() {
    }

    @Override
    public String name() {
        return "whisper";
    }

    @Override
    public String description() {
        return "whisper.cpp 1.7.1 speech recognition through whisper-jni (ggml .bin models)";
    }

    @Override
    public SpeechRecognizer create(ProviderConfig config) {
        WhisperRecognizer.Settings d = WhisperRecognizer.Settings.defaults();
        WhisperRecognizer.Settings s;
        try {
            s = new WhisperRecognizer.Settings(config.integer("threads", d.threads()), config.string("language"),
                    config.integer("spareStates", d.spareStates()), config.integer("bestOf", d.bestOf()),
                    config.bool("detectLanguage", d.detectLanguage()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("whisper: " + e.getMessage(), e);
        }
        return WhisperRecognizer.open(config.requireFile("model"), s);
    }
}
