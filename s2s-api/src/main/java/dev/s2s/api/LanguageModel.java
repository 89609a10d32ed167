package dev.s2s.api;

import java.util.Set;

/**
 * Text (or tokens, or embeddings) to text. Implementations state their thread safety; concurrent
 * {@code generate} calls on one model either work or are serialized, never corrupting state.
 */
public interface LanguageModel extends AutoCloseable {

    /**
     * Generates a continuation, streaming each piece to {@code listener}. Returns when generation
     * ends, including when {@code cancel} is set (with {@link StopReason#CANCELLED}).
     *
     * @throws UnsupportedPromptException for a prompt kind not in {@link #supportedPrompts()}
     * @throws GenerationException        when generation fails
     */
    Generation generate(Prompt prompt, GenerationOptions options, TokenListener listener, CancellationToken cancel);

    /** Generates without streaming or cancellation. */
    default Generation generate(Prompt prompt, GenerationOptions options) {
        return generate(prompt, options, TokenListener.NONE, CancellationToken.none());
    }

    /** Token ids of {@code text}, without BOS/EOS. */
    int[] tokenize(String text);

    /** Text of {@code tokens}. */
    String detokenize(int[] tokens);

    /** The model's token-embedding matrix with its vocabulary, for the snapper. */
    TokenMatrix tokenEmbeddings();

    /** The prompt kinds this model accepts. */
    Set<Prompt.Kind> supportedPrompts();

    /** Throws {@link UnsupportedPromptException} when {@code prompt} is of a kind this model refuses. */
    default void checkPrompt(Prompt prompt) {
        if (!supportedPrompts().contains(prompt.kind())) {
            throw new UnsupportedPromptException(getClass().getSimpleName() + " does not accept " + prompt.kind()
                    + " prompts; it accepts " + supportedPrompts());
        }
    }

    /** Frees native resources. Idempotent. */
    @Override
    void close();
}
