package dev.s2s.api;

/** The two speech-to-speech methods a {@link SpeechPipeline} runs. */
public enum PipelineMethod {
    /** Recognizer → language model → synthesizer. */
    TEXT,
    /**
     * Audio encoder → projector → snapper → language model (token-id prompt) → synthesizer; with
     * the "soft" option the snapper is skipped and the projected vectors are fed as embeddings.
     */
    TOKENS
}
