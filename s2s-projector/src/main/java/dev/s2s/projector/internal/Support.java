package dev.s2s.projector.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import dev.s2s.api.ConfigException;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.ProviderConfig;
import dev.s2s.kernels.Kernels;

/** Configuration parsing and small helpers shared by the projector module's providers. Not API. Thread-safe. */
public final class Support {

    private Support() {
    }

    /** The {@code "kernels"} key: {@code "auto"} (default) or {@code "scalar"}. */
    public static Kernels kernels(ProviderConfig c) {
        String k = c.string("kernels", "auto");
        return switch (k) {
            case "auto" -> Kernels.get();
            case "scalar" -> Kernels.scalar();
            default -> throw new ConfigException("'kernels' must be \"auto\" or \"scalar\", got \"" + k + "\"");
        };
    }

    /** A positive integer setting. */
    public static int positive(ProviderConfig c, String key, int def) {
        int v = c.integer(key, def);
        if (v < 1) {
            throw new ConfigException("'" + key + "' must be >= 1, got " + v);
        }
        return v;
    }

    /** The {@code "tail"} key: true for {@code "pad"} (default), false for {@code "drop"}. */
    public static boolean padTail(ProviderConfig c) {
        String tail = c.string("tail", "pad");
        if (!tail.equals("pad") && !tail.equals("drop")) {
            throw new ConfigException("'tail' must be \"pad\" or \"drop\", got \"" + tail + "\"");
        }
        return tail.equals("pad");
    }

    /** A fixed pool of {@code n} daemon threads named {@code prefix-i}. */
    public static ExecutorService daemonPool(String prefix, int n) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Frames after padding (with zero frames) or dropping the tail to a multiple of {@code multiple}. */
    public static int framesAfterTail(int frames, int multiple, boolean pad) {
        return pad ? (frames + multiple - 1) / multiple * multiple : frames / multiple * multiple;
    }

    /**
     * The values of {@code seq} in an array of {@code frames * dim} floats: truncated, or padded
     * with zeros.
     */
    public static float[] valuesResized(EmbeddingSequence seq, int frames) {
        float[] all = new float[seq.frames() * seq.dim()];
        seq.copyTo(all, 0);
        if (frames == seq.frames()) {
            return all;
        }
        float[] x = new float[frames * seq.dim()];
        System.arraycopy(all, 0, x, 0, Math.min(frames, seq.frames()) * seq.dim());
        return x;
    }
}
