package dev.s2s.whisper;

import dev.s2s.api.AudioEncoder;
import dev.s2s.api.AudioEncoderProvider;
import dev.s2s.api.ConfigException;
import dev.s2s.api.ProviderConfig;

/**
 * The {@code "whisper-encoder"} audio encoder: the pure-Java Whisper encoder
 * ({@link WhisperEncoder}). Configuration keys:
 * <ul>
 * <li>{@code model} (required): path of a whisper.cpp ggml {@code .bin} model with f16 or f32
 * weights;</li>
 * <li>{@code threads} (default: available processors): worker threads;</li>
 * <li>{@code keepPadding} (default {@code false}): keep all 1500 positions of every 30 s window
 * instead of only those covering the audio.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class WhisperEncoderProvider implements AudioEncoderProvider {

    /** For {@link java.util.ServiceLoader}. */
    public WhisperEncoderProvider() {
    }

    @Override
    public String name() {
        return "whisper-encoder";
    }

    @Override
    public String description() {
        return "Whisper audio encoder in pure Java (reads whisper.cpp ggml .bin models)";
    }

    @Override
    public AudioEncoder create(ProviderConfig config) {
        int threads = config.integer("threads", Runtime.getRuntime().availableProcessors());
        if (threads < 1) {
            throw new ConfigException("'threads' must be >= 1, got " + threads);
        }
        return WhisperEncoder.open(config.requireFile("model"), threads, config.bool("keepPadding", false));
    }
}
