package dev.s2s.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits streamed text into speakable sentences. Interim version: splits at sentence punctuation
 * followed by a space; replaced by the full chunker of the audio I/O change. Not thread-safe.
 */
public final class SentenceChunker {
    private final int maxChars;
    private final StringBuilder buf = new StringBuilder();

    private SentenceChunker(int maxChars) {
        this.maxChars = maxChars;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Adds a piece; returns completed chunks. */
    public List<String> accept(String piece) {
        buf.append(piece);
        List<String> out = new ArrayList<>();
        int i;
        while ((i = boundary()) >= 0) {
            String c = buf.substring(0, i + 1).strip();
            buf.delete(0, i + 1);
            if (!c.isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }

    /** Returns what is left. */
    public List<String> flush() {
        String c = buf.toString().strip();
        buf.setLength(0);
        return c.isEmpty() ? List.of() : List.of(c);
    }

    private int boundary() {
        for (int i = 0; i + 1 < buf.length(); i++) {
            char ch = buf.charAt(i);
            if ((ch == '.' || ch == '!' || ch == '?') && buf.charAt(i + 1) == ' ') {
                return i;
            }
            if (maxChars > 0 && i >= maxChars) {
                return i;
            }
        }
        return -1;
    }

    /** Builder. */
    public static final class Builder {
        private int maxChars;

        /** @param v max chars, 0 = none @return this */
        public Builder maxChars(int v) {
            maxChars = v;
            return this;
        }

        /** @return the chunker */
        public SentenceChunker build() {
            return new SentenceChunker(maxChars);
        }
    }
}
