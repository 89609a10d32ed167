package dev.s2s.whisper;

import dev.s2s.api.AudioEncoder;
import dev.s2s.api.AudioEncoderProvider;
import dev.s2s.api.ProviderConfig;

/**
 * The {@code "whisper-mel"} audio encoder: Whisper's log-mel front end alone
 * ({@link WhisperMelEncoder}). Configuration keys:
 * <ul>
 * <li>{@code model} (required): a whisper.cpp ggml {@code .bin} model whose mel filter bank (80
 * or 128 bands) is used; weightless test models work;</li>
 * <li>{@code pairAverage} (default {@code false}): average pairs of 10 ms frames into 20 ms
 * frames;</li>
 * <li>{@code keepPadding} (default {@code false}): keep the frames of the 30 s zero padding.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class WhisperMelProvider implements AudioEncoderProvider {

    /** For {@link java.util.ServiceLoader}. */
    public WhisperMelProvider() {
    }

    @Override
    public String name() {
        return "whisper-mel";
    }

    @Override
    public String description() {
        return "Whisper log-mel front end (80/128 bands at 10 ms, bit-exact with whisper.cpp)";
    }

    @Override
    public AudioEncoder create(ProviderConfig config) {
        return WhisperMelEncoder.open(config.requireFile("model"), config.bool("pairAverage", false),
                config.bool("keepPadding", false));
    }
}
