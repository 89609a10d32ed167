package dev.s2s.api;

/** A failure inside a {@link SpeechPipeline}, naming the stage that failed. The cause is the original error. */
public class PipelineException extends S2sException {
    private static final long serialVersionUID = 1L;

    private final Stage stage;

    /** @param stage the failing stage @param message what went wrong @param cause the original error */
    public PipelineException(Stage stage, String message, Throwable cause) {
        super(stage + ": " + message, cause);
        this.stage = stage;
    }

    /** The stage that failed. */
    public Stage stage() {
        return stage;
    }
}
