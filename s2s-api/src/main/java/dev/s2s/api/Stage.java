package dev.s2s.api;

/** A stage of a {@link SpeechPipeline}, used in timings and errors. */
public enum Stage {
    /** Speech to text. */
    RECOGNIZE,
    /** Audio to feature vectors (token method). */
    ENCODE,
    /** Feature vectors into the language model's embedding space (token method). */
    PROJECT,
    /** Vectors to nearest tokens (token method). */
    SNAP,
    /** The language model. */
    GENERATE,
    /** Text to speech. */
    SYNTHESIZE
}
