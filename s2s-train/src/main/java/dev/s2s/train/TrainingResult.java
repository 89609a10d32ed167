package dev.s2s.train;

import java.util.List;

/**
 * The outcome of {@link ProjectorTrainer#train}. Immutable and thread-safe.
 *
 * @param projector          the trained projector (the epoch with the best held-out TER, or the
 *                           last epoch without a held-out set)
 * @param history            one entry per epoch
 * @param skippedInfeasible  training utterances skipped because their stacked frames were fewer
 *                           than CTC needs for their tokens
 * @param steps              optimiser steps taken
 * @param totalFlops         training arithmetic (forward and backward), in FLOP
 * @param trainSeconds       wall time of the optimisation, held-out evaluation excluded
 * @param wallSeconds        wall time including held-out evaluation
 */
public record TrainingResult(TrainedProjector projector, List<EpochStats> history, int skippedInfeasible, long steps,
        double totalFlops, double trainSeconds, double wallSeconds) {

    /** Copies. */
    public TrainingResult {
        history = List.copyOf(history);
    }

    /** Training arithmetic per second of training, in GFLOP/s. */
    public double gflops() {
        return trainSeconds > 0 ? totalFlops / trainSeconds / 1e9 : 0;
    }

    /** The last epoch's statistics. */
    public EpochStats last() {
        return history.get(history.size() - 1);
    }
}
