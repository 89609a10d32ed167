package dev.s2s.train;

/**
 * Receives progress from {@link ProjectorTrainer#train}, on the training thread. Implementations
 * should return quickly; they may print (the library itself never does).
 */
@FunctionalInterface
public interface TrainingListener {

    /** Does nothing. */
    TrainingListener NONE = stats -> { };

    /** Called after each epoch. */
    void onEpoch(EpochStats stats);
}
