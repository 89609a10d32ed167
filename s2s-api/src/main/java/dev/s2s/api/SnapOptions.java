package dev.s2s.api;

import java.util.Arrays;

/**
 * Options for {@link TokenSnapper#snap}. Build with {@link #builder()}; the defaults are cosine,
 * top-1, no exclusions, no collapsing and no blank.
 *
 * @param metric          similarity measure
 * @param topK            candidates kept per frame, at least 1
 * @param excludedIds     token ids never returned (e.g. specials and byte tokens), sorted, unique
 * @param collapseRepeats merge consecutive frames that snap to the same id (CTC-style)
 * @param blank           an extra learned vector scored like a token and dropped from the output,
 *                        or {@code null}; its id in top-k lists is {@code -1}
 */
public record SnapOptions(Metric metric, int topK, int[] excludedIds, boolean collapseRepeats, float[] blank) {

    /** Validates and copies. */
    public SnapOptions {
        if (metric == null) {
            throw new IllegalArgumentException("metric must not be null");
        }
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be >= 1, got " + topK);
        }
        excludedIds = excludedIds == null ? new int[0] : Arrays.stream(excludedIds).sorted().distinct().toArray();
        blank = blank == null ? null : blank.clone();
    }

    @Override
    public int[] excludedIds() {
        return excludedIds.clone();
    }

    @Override
    public float[] blank() {
        return blank == null ? null : blank.clone();
    }

    /** True when {@code id} is excluded. */
    public boolean isExcluded(int id) {
        return Arrays.binarySearch(excludedIds, id) >= 0;
    }

    /** The defaults. */
    public static SnapOptions defaults() {
        return builder().build();
    }

    /** A new builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised from these options. */
    public Builder toBuilder() {
        return new Builder().metric(metric).topK(topK).exclude(excludedIds).collapseRepeats(collapseRepeats)
                .blank(blank);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapOptions s && s.metric == metric && s.topK == topK
                && Arrays.equals(s.excludedIds, excludedIds) && s.collapseRepeats == collapseRepeats
                && Arrays.equals(s.blank, blank);
    }

    @Override
    public int hashCode() {
        return metric.hashCode() * 31 + topK + Arrays.hashCode(excludedIds);
    }

    @Override
    public String toString() {
        return "SnapOptions[" + metric + ", k=" + topK + ", excluded=" + excludedIds.length + ", collapse="
                + collapseRepeats + ", blank=" + (blank != null) + "]";
    }

    /** Builder for {@link SnapOptions}. Not thread-safe. */
    public static final class Builder {
        private Metric metric = Metric.COSINE;
        private int topK = 1;
        private int[] excluded = new int[0];
        private boolean collapse;
        private float[] blank;

        private Builder() {
        }

        /** @param v the metric @return this */
        public Builder metric(Metric v) {
            metric = v;
            return this;
        }

        /** @param v candidates per frame @return this */
        public Builder topK(int v) {
            topK = v;
            return this;
        }

        /** @param ids ids to exclude (replaces earlier ones) @return this */
        public Builder exclude(int... ids) {
            excluded = ids.clone();
            return this;
        }

        /** @param v collapse consecutive repeats @return this */
        public Builder collapseRepeats(boolean v) {
            collapse = v;
            return this;
        }

        /** @param v the blank vector or null @return this */
        public Builder blank(float[] v) {
            blank = v;
            return this;
        }

        /** @return the options */
        public SnapOptions build() {
            return new SnapOptions(metric, topK, excluded, collapse, blank);
        }
    }
}
