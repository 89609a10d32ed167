package dev.s2s.train;

import java.util.Arrays;
import java.util.Objects;

import dev.s2s.api.EmbeddingSequence;

/**
 * One training or evaluation example: a sentence, its token ids in the target language model's
 * vocabulary, the voice that spoke it, and the audio features of that speech. Immutable and
 * thread-safe (the token array is copied in and out).
 *
 * @param id       a unique name (e.g. {@code "000042-cmu-slt-hsmm"})
 * @param text     the sentence
 * @param tokens   its token ids, not empty
 * @param voice    the voice label used for per-voice scores (any string, e.g. {@code "marytts:cmu-slt-hsmm"})
 * @param features the audio features, one row per frame
 */
public record Utterance(String id, String text, int[] tokens, String voice, EmbeddingSequence features) {

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException for an empty transcript, a negative id or missing features
     */
    public Utterance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(features, "features");
        text = text == null ? "" : text;
        voice = voice == null ? "" : voice;
        if (tokens == null || tokens.length == 0) {
            throw new IllegalArgumentException("utterance " + id + ": empty transcript (no token ids)");
        }
        for (int t : tokens) {
            if (t < 0) {
                throw new IllegalArgumentException("utterance " + id + ": negative token id " + t);
            }
        }
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** Number of feature frames. */
    public int frames() {
        return features.frames();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Utterance u && u.id.equals(id) && u.text.equals(text) && Arrays.equals(u.tokens, tokens)
                && u.voice.equals(voice) && u.features.equals(features);
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "Utterance[" + id + ", " + tokens.length + " tokens, " + features.frames() + " frames, " + voice + "]";
    }
}
