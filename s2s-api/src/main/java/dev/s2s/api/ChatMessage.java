package dev.s2s.api;

import java.util.Objects;

/**
 * One message of a chat prompt.
 *
 * @param role    who speaks
 * @param content what is said
 */
public record ChatMessage(Role role, String content) {

    /** The speaker of a chat message. */
    public enum Role {
        /** Instructions for the assistant. */
        SYSTEM,
        /** The user. */
        USER,
        /** The model. */
        ASSISTANT;

        /** The lower-case name used by chat templates ({@code "system"}, {@code "user"}, {@code "assistant"}). */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Validates. */
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /** A system message. */
    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    /** A user message. */
    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    /** An assistant message. */
    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }
}
