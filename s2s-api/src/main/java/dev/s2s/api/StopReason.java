package dev.s2s.api;

/** Why generation ended. */
public enum StopReason {
    /** The model produced its end-of-sequence token. */
    END_OF_SEQUENCE,
    /** The maximum token count was reached. */
    MAX_TOKENS,
    /** A stop string was produced. */
    STOP_STRING,
    /** The context window is full. */
    CONTEXT_FULL,
    /** The caller cancelled. */
    CANCELLED
}
