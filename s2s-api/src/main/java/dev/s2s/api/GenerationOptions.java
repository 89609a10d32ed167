package dev.s2s.api;

import java.util.List;

/**
 * Options for {@link LanguageModel#generate}. Build with {@link #builder()}. The defaults are
 * 256 tokens, greedy (temperature 0), top-k 40, top-p 0.95, min-p 0.05, repeat penalty 1.0
 * (off), seed 42, no stop strings and no grammar.
 *
 * @param maxTokens     maximum new tokens, at least 1
 * @param temperature   0 for greedy decoding
 * @param topK          top-k sampling cut, 0 disables it
 * @param topP          nucleus sampling cut in (0, 1]
 * @param minP          min-p sampling cut in [0, 1)
 * @param repeatPenalty repetition penalty, 1.0 disables it
 * @param seed          sampling seed
 * @param stop          strings that end generation when produced (not included in the text)
 * @param grammar       a GBNF grammar constraining the output, or {@code null}
 * @param jsonSchema    a JSON schema constraining the output, or {@code null}
 */
public record GenerationOptions(int maxTokens, float temperature, int topK, float topP, float minP,
        float repeatPenalty, long seed, List<String> stop, String grammar, String jsonSchema) {

    /** Validates and copies. */
    public GenerationOptions {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        }
        if (temperature < 0) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new IllegalArgumentException("minP must be in [0, 1), got " + minP);
        }
        if (repeatPenalty <= 0) {
            throw new IllegalArgumentException("repeatPenalty must be > 0, got " + repeatPenalty);
        }
        if (grammar != null && jsonSchema != null) {
            throw new IllegalArgumentException("give a grammar or a JSON schema, not both");
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /** The defaults. */
    public static GenerationOptions defaults() {
        return builder().build();
    }

    /** A new builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised from these options. */
    public Builder toBuilder() {
        return new Builder().maxTokens(maxTokens).temperature(temperature).topK(topK).topP(topP).minP(minP)
                .repeatPenalty(repeatPenalty).seed(seed).stop(stop).grammar(grammar).jsonSchema(jsonSchema);
    }

    /** Builder for {@link GenerationOptions}. Not thread-safe. */
    public static final class Builder {
        private int maxTokens = 256;
        private float temperature;
        private int topK = 40;
        private float topP = 0.95f;
        private float minP = 0.05f;
        private float repeatPenalty = 1.0f;
        private long seed = 42;
        private List<String> stop = List.of();
        private String grammar;
        private String jsonSchema;

        private Builder() {
        }

        /** @param v maximum new tokens @return this */
        public Builder maxTokens(int v) {
            maxTokens = v;
            return this;
        }

        /** @param v temperature, 0 = greedy @return this */
        public Builder temperature(float v) {
            temperature = v;
            return this;
        }

        /** @param v top-k, 0 = off @return this */
        public Builder topK(int v) {
            topK = v;
            return this;
        }

        /** @param v top-p @return this */
        public Builder topP(float v) {
            topP = v;
            return this;
        }

        /** @param v min-p @return this */
        public Builder minP(float v) {
            minP = v;
            return this;
        }

        /** @param v repetition penalty, 1 = off @return this */
        public Builder repeatPenalty(float v) {
            repeatPenalty = v;
            return this;
        }

        /** @param v seed @return this */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** @param v stop strings @return this */
        public Builder stop(List<String> v) {
            stop = v;
            return this;
        }

        /** @param v stop strings @return this */
        public Builder stop(String... v) {
            stop = List.of(v);
            return this;
        }

        /** @param v GBNF grammar or null @return this */
        public Builder grammar(String v) {
            grammar = v;
            return this;
        }

        /** @param v JSON schema or null @return this */
        public Builder jsonSchema(String v) {
            jsonSchema = v;
            return this;
        }

        /** @return the options */
        public GenerationOptions build() {
            return new GenerationOptions(maxTokens, temperature, topK, topP, minP, repeatPenalty, seed, stop,
                    grammar, jsonSchema);
        }
    }
}
