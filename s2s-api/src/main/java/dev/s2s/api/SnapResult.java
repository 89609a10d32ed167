package dev.s2s.api;

import java.util.Objects;

/**
 * What a {@link TokenSnapper} found: the emitted token ids and, for every input frame, its top-k.
 *
 * <p>{@code tokens}, {@code scores}, {@code margins} and {@code frames} describe the emitted
 * tokens, after exclusions, blank removal and repeat collapsing. {@code topTokens} and
 * {@code topScores} hold, for every input frame {@code t}, its {@code k} best candidates at
 * {@code [t*k, t*k+k)} (the blank, if configured, appears as id {@code -1}). Arrays are copied in
 * and out. Thread-safe.
 *
 * @param tokens    emitted token ids
 * @param scores    score of each emitted token (higher is better; for L2 it is the negated distance)
 * @param margins   best minus second-best score of each emitted token: a confidence measure
 * @param frames    input frame index that produced each emitted token
 * @param k         candidates per frame in {@code topTokens}
 * @param topTokens per-frame top-k ids, best first ({@code inputFrames * k})
 * @param topScores per-frame top-k scores
 */
public record SnapResult(int[] tokens, float[] scores, float[] margins, int[] frames, int k, int[] topTokens,
        float[] topScores) {

    /** Validates and copies. */
    public SnapResult {
        Objects.requireNonNull(tokens, "tokens");
        int n = tokens.length;
        if (scores.length != n || margins.length != n || frames.length != n) {
            throw new IllegalArgumentException("tokens, scores, margins and frames must have the same length");
        }
        if (k < 1 || topTokens.length != topScores.length || topTokens.length % k != 0) {
            throw new IllegalArgumentException("top-k arrays must hold a multiple of k = " + k + " values");
        }
        tokens = tokens.clone();
        scores = scores.clone();
        margins = margins.clone();
        frames = frames.clone();
        topTokens = topTokens.clone();
        topScores = topScores.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public float[] scores() {
        return scores.clone();
    }

    @Override
    public float[] margins() {
        return margins.clone();
    }

    @Override
    public int[] frames() {
        return frames.clone();
    }

    @Override
    public int[] topTokens() {
        return topTokens.clone();
    }

    @Override
    public float[] topScores() {
        return topScores.clone();
    }

    /** Number of input frames scored. */
    public int inputFrames() {
        return topTokens.length / k;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapResult r && java.util.Arrays.equals(r.tokens, tokens)
                && java.util.Arrays.equals(r.scores, scores) && java.util.Arrays.equals(r.margins, margins)
                && java.util.Arrays.equals(r.frames, frames) && r.k == k
                && java.util.Arrays.equals(r.topTokens, topTokens) && java.util.Arrays.equals(r.topScores, topScores);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(tokens) * 31 + java.util.Arrays.hashCode(topTokens);
    }

    @Override
    public String toString() {
        return "SnapResult[" + tokens.length + " tokens from " + inputFrames() + " frames, k=" + k + "]";
    }
}
