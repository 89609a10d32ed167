package dev.s2s.api;

import java.time.Duration;
import java.util.Objects;

/**
 * The result of {@link LanguageModel#generate}.
 *
 * @param text              the generated text (without the prompt and without a matched stop string)
 * @param tokens            the generated token ids (copied in and out)
 * @param stopReason        why generation ended
 * @param promptTokens      number of prompt positions evaluated
 * @param timeToFirstToken  from the call to the first generated token (zero if none)
 * @param total             the whole call
 * @param tokensPerSecond   generated tokens per second after the first token
 */
public record Generation(String text, int[] tokens, StopReason stopReason, int promptTokens,
        Duration timeToFirstToken, Duration total, double tokensPerSecond) {

    /** Validates and copies. */
    public Generation {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(stopReason, "stopReason");
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Generation g && g.text.equals(text) && java.util.Arrays.equals(g.tokens, tokens)
                && g.stopReason == stopReason;
    }

    @Override
    public int hashCode() {
        return text.hashCode() * 31 + java.util.Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "Generation[" + tokens.length + " tokens, " + stopReason + ", " + String.format(java.util.Locale.ROOT,
                "%.1f tok/s", tokensPerSecond) + "]: " + text;
    }
}
