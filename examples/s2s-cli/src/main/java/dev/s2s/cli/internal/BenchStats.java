package dev.s2s.cli.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.s2s.api.Reply;
import dev.s2s.api.Stage;
import dev.s2s.api.StageTiming;

/**
 * Collects pipeline timings over repeated runs and summarizes them: p50 and p95 per stage, time to
 * first audio, total, and the real-time factor (processing time / reply audio duration). Not API.
 * Not thread-safe.
 */
public final class BenchStats {

    private final Map<Stage, List<Double>> stages = new EnumMap<>(Stage.class);
    private final List<Double> firstAudio = new ArrayList<>();
    private final List<Double> totals = new ArrayList<>();
    private final List<Double> rtfs = new ArrayList<>();
    private final List<Double> audioSeconds = new ArrayList<>();

    /** Adds one run. @param r the reply @param firstAudio time to the first audio chunk, or null */
    public void add(Reply r, Duration firstAudio) {
        for (StageTiming t : r.timings()) {
            stages.computeIfAbsent(t.stage(), k -> new ArrayList<>()).add(ms(t.time()));
        }
        if (firstAudio != null) {
            this.firstAudio.add(ms(firstAudio));
        }
        totals.add(ms(r.total()));
        double sec = r.audio().seconds();
        audioSeconds.add(sec);
        if (sec > 0) {
            rtfs.add(r.total().toNanos() / 1e9 / sec);
        }
    }

    private static double ms(Duration d) {
        return d.toNanos() / 1e6;
    }

    /** Runs recorded. */
    public int runs() {
        return totals.size();
    }

    /** The nearest-rank percentile {@code p} (0-100) of {@code values}; NaN when empty. */
    public static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** The summary as rows: name to {p50, p95} (milliseconds, or plain ratio for rtf). */
    public Map<String, double[]> summary() {
        Map<String, double[]> out = new LinkedHashMap<>();
        stages.forEach((s, v) -> out.put(s.name().toLowerCase(java.util.Locale.ROOT), pair(v)));
        out.put("first_audio", pair(firstAudio));
        out.put("total", pair(totals));
        out.put("rtf", pair(rtfs));
        out.put("audio_seconds", pair(audioSeconds));
        return out;
    }

    private static double[] pair(List<Double> v) {
        return new double[] {percentile(v, 50), percentile(v, 95)};
    }
}
