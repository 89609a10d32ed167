package dev.s2s.api;

import java.util.List;

/** Text to speech. Implementations state whether they are thread-safe. */
public interface SpeechSynthesizer extends AutoCloseable {

    /**
     * Speaks {@code text}.
     *
     * @throws SynthesisException when synthesis fails (e.g. an unknown voice)
     */
    AudioClip synthesize(String text, SynthesisOptions options);

    /** Speaks with default options. */
    default AudioClip synthesize(String text) {
        return synthesize(text, SynthesisOptions.defaults());
    }

    /** Names of the voices available, possibly empty when the provider has no voice choice. */
    default List<String> voices() {
        return List.of();
    }

    /** The longest text one request should carry, in characters; 0 for no limit. */
    default int maxChunkChars() {
        return 0;
    }

    /** Frees resources. Idempotent. */
    @Override
    void close();
}
