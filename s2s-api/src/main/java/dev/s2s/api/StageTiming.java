package dev.s2s.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How long one stage took.
 *
 * @param stage the stage
 * @param time  wall-clock time spent in it
 */
public record StageTiming(Stage stage, Duration time) {
    /** Validates. */
    public StageTiming {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(time, "time");
    }
}
