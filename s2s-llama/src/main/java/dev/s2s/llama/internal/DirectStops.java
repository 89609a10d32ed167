package dev.s2s.llama.internal;

import java.util.List;

/**
 * Applies stop strings to streamed text: text that might be the start of a stop string is held
 * back until it is known not to be one, and a matched stop string (with anything after it) is
 * never released. Not thread-safe.
 */
public final class DirectStops {

    private final List<String> stops;
    private final StringBuilder text = new StringBuilder();
    private int released;
    private boolean stopped;

    /** @param stops the stop strings (empty ones are ignored) */
    public DirectStops(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Adds new text; returns what may be released to a listener now. */
    public String accept(String more) {
        if (stopped) {
            return "";
        }
        text.append(more);
        if (stops.isEmpty()) {
            return release(text.length());
        }
        int at = -1;
        for (String s : stops) {
            int i = text.indexOf(s, Math.max(0, released - s.length() + 1));
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
            }
        }
        if (at >= 0) {
            stopped = true;
            String out = release(Math.max(at, released));
            text.setLength(Math.max(at, released));
            return out;
        }
        int hold = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, text.length()); k > hold; k--) {
                if (CharSequence.compare(text.subSequence(text.length() - k, text.length()), s.subSequence(0, k)) == 0) {
                    hold = k;
                    break;
                }
            }
        }
        return release(Math.max(released, text.length() - hold));
    }

    /** Adds the last text and releases everything not cut by a stop string. */
    public String finish(String more) {
        String out = accept(more);
        return stopped ? out : out + release(text.length());
    }

    /** True once a stop string matched. */
    public boolean stopped() {
        return stopped;
    }

    /** All text so far, without a matched stop string. */
    public String text() {
        return text.toString();
    }

    private String release(int upTo) {
        String out = text.substring(released, upTo);
        released = upTo;
        return out;
    }
}
