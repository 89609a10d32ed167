package dev.s2s.train;

import java.util.Arrays;
import java.util.Objects;

/**
 * One line of a dataset manifest ({@code manifest.jsonl}): a sentence spoken by one voice. Paths
 * are relative to the dataset folder. Immutable and thread-safe.
 *
 * @param id       unique name, e.g. {@code "000042-marytts-cmu-slt-hsmm"}
 * @param sentence index of the sentence in {@code sentences.txt}
 * @param text     the sentence
 * @param tokens   its ids in the language model's vocabulary
 * @param voice    the voice label
 * @param audio    the 16 kHz WAV file, or {@code null} when audio was not kept
 * @param features the {@code .npy} feature file ({@code frames × dim} float32)
 * @param frames   feature frames
 * @param dim      feature width
 * @param framesPerSecond feature frame rate
 * @param seconds  audio duration
 */
public record DatasetEntry(String id, int sentence, String text, int[] tokens, String voice, String audio,
        String features, int frames, int dim, double framesPerSecond, double seconds) {

    /** Validates and copies. */
    public DatasetEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(features, "features");
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatasetEntry e && e.id.equals(id) && e.text.equals(text) && Arrays.equals(e.tokens, tokens)
                && e.voice.equals(voice) && Objects.equals(e.audio, audio) && e.features.equals(features)
                && e.frames == frames && e.dim == dim;
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
