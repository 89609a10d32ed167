package dev.s2s.api;

import java.util.List;
import java.util.Objects;

/**
 * The input of a {@link LanguageModel}: plain text, chat messages (rendered with the model's own
 * chat template), token ids (the token path), embeddings (the "soft" token path, with no
 * snapping), or a mix of text, tokens and embeddings in order.
 *
 * <p>A model declares the kinds it accepts in {@link LanguageModel#supportedPrompts()} and
 * refuses others with {@link UnsupportedPromptException}. All variants are immutable.
 */
public sealed interface Prompt {

    /** The kind of a prompt. */
    enum Kind {
        /** {@link Text}. */
        TEXT,
        /** {@link Chat}. */
        CHAT,
        /** {@link Tokens}. */
        TOKENS,
        /** {@link Embeddings}. */
        EMBEDDINGS,
        /** {@link Mixed}. */
        MIXED
    }

    /** This prompt's kind. */
    Kind kind();

    /** A plain-text prompt, tokenized by the model (with its BOS token where the model uses one). */
    static Prompt text(String text) {
        return new Text(text);
    }

    /** A chat prompt. */
    static Prompt chat(List<ChatMessage> messages) {
        return new Chat(messages);
    }

    /** A chat prompt. */
    static Prompt chat(ChatMessage... messages) {
        return new Chat(List.of(messages));
    }

    /** A token-id prompt, fed as is (no BOS is added). */
    static Prompt tokens(int... ids) {
        return new Tokens(ids);
    }

    /** An embedding prompt: one vector per position, of the model's embedding width. */
    static Prompt embeddings(EmbeddingSequence embeddings) {
        return new Embeddings(embeddings);
    }

    /** A mixed prompt of {@link Text}, {@link Tokens} and {@link Embeddings} parts, in order. */
    static Prompt mixed(Prompt... parts) {
        return new Mixed(List.of(parts));
    }

    /** @param text the text */
    record Text(String text) implements Prompt {
        /** Validates. */
        public Text {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public Kind kind() {
            return Kind.TEXT;
        }
    }

    /** @param messages the conversation so far, ending with the message to answer */
    record Chat(List<ChatMessage> messages) implements Prompt {
        /** Validates and copies. */
        public Chat {
            messages = List.copyOf(messages);
            if (messages.isEmpty()) {
                throw new IllegalArgumentException("a chat prompt needs at least one message");
            }
        }

        @Override
        public Kind kind() {
            return Kind.CHAT;
        }
    }

    /** @param ids the token ids (copied in and out) */
    record Tokens(int[] ids) implements Prompt {
        /** Validates and copies. */
        public Tokens {
            ids = ids.clone();
            for (int id : ids) {
                if (id < 0) {
                    throw new IllegalArgumentException("negative token id " + id);
                }
            }
        }

        @Override
        public int[] ids() {
            return ids.clone();
        }

        @Override
        public Kind kind() {
            return Kind.TOKENS;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tokens t && java.util.Arrays.equals(t.ids, ids);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return "Tokens" + java.util.Arrays.toString(ids);
        }
    }

    /** @param embeddings the input vectors */
    record Embeddings(EmbeddingSequence embeddings) implements Prompt {
        /** Validates. */
        public Embeddings {
            Objects.requireNonNull(embeddings, "embeddings");
        }

        @Override
        public Kind kind() {
            return Kind.EMBEDDINGS;
        }
    }

    /** @param parts text, token and embedding parts, in order */
    record Mixed(List<Prompt> parts) implements Prompt {
        /** Validates and copies. */
        public Mixed {
            parts = List.copyOf(parts);
            for (Prompt p : parts) {
                if (!(p instanceof Text || p instanceof Tokens || p instanceof Embeddings)) {
                    throw new IllegalArgumentException("a mixed prompt holds text, tokens and embeddings only, not "
                            + p.kind());
                }
            }
        }

        @Override
        public Kind kind() {
            return Kind.MIXED;
        }
    }
}
