package dev.s2s.api;

import java.time.Duration;
import java.util.Objects;

/**
 * One timed piece of a {@link Transcript}.
 *
 * @param text        the recognized text of the segment
 * @param start       start time from the beginning of the audio
 * @param end         end time from the beginning of the audio
 * @param probability mean token probability in [0, 1], or {@code Double.NaN} when the recognizer
 *                    does not report it
 */
public record Segment(String text, Duration start, Duration end, double probability) {

    /** Validates. */
    public Segment {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }

    /** A segment without a probability. */
    public Segment(String text, Duration start, Duration end) {
        this(text, start, end, Double.NaN);
    }
}
