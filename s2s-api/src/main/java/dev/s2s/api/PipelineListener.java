package dev.s2s.api;

/**
 * Receives the events of a streaming pipeline turn. Called on pipeline threads, one event at a
 * time per turn; implementations should return quickly.
 */
@FunctionalInterface
public interface PipelineListener {

    /** A listener that ignores everything. */
    PipelineListener NONE = e -> { };

    /** @param event the event */
    void onEvent(PipelineEvent event);
}
