package dev.s2s.llama.internal;

import java.util.List;

/**
 * Finds stop strings in streamed text and holds back any tail that could still become one, so a
 * listener never sees part of a stop string. Not thread-safe: one per generation.
 */
public final class StopMatcher {

    private final List<String> stops;
    private final StringBuilder text = new StringBuilder();
    private int released;
    private boolean stopped;

    /** @param stops the stop strings (empty ones are ignored) */
    public StopMatcher(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Appends a piece and returns the text that is now safe to release (possibly empty). */
    public String feed(String piece) {
        if (stopped) {
            return "";
        }
        text.append(piece);
        int at = -1;
        for (String s : stops) {
            int from = Math.max(0, released - s.length() + 1);
            int i = text.indexOf(s, from);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
            }
        }
        if (at >= 0) {
            stopped = true;
            text.setLength(at);
            return release(at);
        }
        int hold = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, text.length() - released); k > hold; k--) {
                if (text.substring(text.length() - k).equals(s.substring(0, k))) {
                    hold = k;
                    break;
                }
            }
        }
        return release(text.length() - hold);
    }

    /** Releases whatever is held back (call when generation ends without a stop string). */
    public String flush() {
        return release(text.length());
    }

    /** True once a stop string was found. */
    public boolean stopped() {
        return stopped;
    }

    /** The text so far, without a matched stop string. */
    public String text() {
        return text.toString();
    }

    private String release(int end) {
        if (end <= released) {
            return "";
        }
        String out = text.substring(released, end);
        released = end;
        return out;
    }
}
