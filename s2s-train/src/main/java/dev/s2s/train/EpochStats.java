package dev.s2s.train;

/**
 * What one training epoch achieved. Immutable and thread-safe.
 *
 * @param epoch         1-based epoch number
 * @param trainLoss     mean CTC loss per target token over the epoch's batches
 * @param heldOutTer    held-out token error rate after the epoch (NaN without a held-out set)
 * @param heldOutExact  held-out exact-match rate after the epoch (NaN without a held-out set)
 * @param learningRate  the learning rate at the end of the epoch
 * @param elapsedSeconds wall time since training started, in seconds
 * @param gflops        training arithmetic of the epoch divided by its time (10^9 FLOP/s)
 */
public record EpochStats(int epoch, double trainLoss, double heldOutTer, double heldOutExact, double learningRate,
        double elapsedSeconds, double gflops) {
}
