package dev.s2s.api;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link SpeechRecognizer} heard.
 *
 * @param text     the whole text, segments joined
 * @param language the detected or requested language code (e.g. {@code "en"}), or {@code null}
 *                 when unknown
 * @param segments the timed segments, in order
 */
public record Transcript(String text, String language, List<Segment> segments) {

    /** Validates and copies. */
    public Transcript {
        Objects.requireNonNull(text, "text");
        segments = List.copyOf(segments);
    }

    /** True when no speech was recognized (blank text). */
    public boolean isEmpty() {
        return text.isBlank();
    }
}
