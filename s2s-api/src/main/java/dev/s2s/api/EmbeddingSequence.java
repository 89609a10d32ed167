package dev.s2s.api;

import java.util.Arrays;

/**
 * A sequence of vectors over time, row-major: frame {@code t} is {@code data[t*dim .. t*dim+dim)}.
 * Used for audio-encoder output, projector output and embedding prompts.
 *
 * <p>Immutable: the array is copied in and out ({@link #row} and {@link #get} read without a
 * whole copy). {@code equals} compares content. Thread-safe.
 *
 * @param data            {@code frames * dim} values
 * @param frames          number of vectors
 * @param dim             width of each vector
 * @param framesPerSecond time resolution, or 0 when the sequence is not tied to time
 */
public record EmbeddingSequence(float[] data, int frames, int dim, double framesPerSecond) {

    /** Validates and copies. */
    public EmbeddingSequence {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        if (frames < 0 || dim <= 0) {
            throw new IllegalArgumentException("bad shape " + frames + " x " + dim);
        }
        if ((long) frames * dim != data.length) {
            throw new IllegalArgumentException("data has " + data.length + " values, shape " + frames + " x " + dim
                    + " needs " + (long) frames * dim);
        }
        if (!(framesPerSecond >= 0) || Double.isInfinite(framesPerSecond)) {
            throw new IllegalArgumentException("framesPerSecond must be finite and >= 0, got " + framesPerSecond);
        }
        data = data.clone();
    }

    /** A copy of the row-major values. */
    @Override
    public float[] data() {
        return data.clone();
    }

    /** Copies all values into {@code dst} at {@code offset}. */
    public void copyTo(float[] dst, int offset) {
        System.arraycopy(data, 0, dst, offset, data.length);
    }

    /** A copy of frame {@code t}. */
    public float[] row(int t) {
        return Arrays.copyOfRange(data, t * dim, (t + 1) * dim);
    }

    /** One value. */
    public float get(int t, int d) {
        return data[t * dim + d];
    }

    /** Frames {@code [from, to)}. */
    public EmbeddingSequence slice(int from, int to) {
        return new EmbeddingSequence(Arrays.copyOfRange(data, from * dim, to * dim), to - from, dim, framesPerSecond);
    }

    /** This sequence followed by {@code other} (same width). */
    public EmbeddingSequence concat(EmbeddingSequence other) {
        if (other.dim != dim) {
            throw new IllegalArgumentException("width mismatch: " + dim + " vs " + other.dim);
        }
        float[] out = Arrays.copyOf(data, data.length + other.data.length);
        System.arraycopy(other.data, 0, out, data.length, other.data.length);
        return new EmbeddingSequence(out, frames + other.frames, dim, framesPerSecond);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmbeddingSequence e && e.frames == frames && e.dim == dim
                && Double.compare(e.framesPerSecond, framesPerSecond) == 0 && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data) * 31 + frames * 17 + dim;
    }

    @Override
    public String toString() {
        return "EmbeddingSequence[" + frames + " x " + dim + ", " + framesPerSecond + " fps]";
    }
}
