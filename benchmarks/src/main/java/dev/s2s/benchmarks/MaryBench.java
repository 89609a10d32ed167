package dev.s2s.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import dev.s2s.api.AudioClip;
import dev.s2s.marytts.MaryTtsSynthesizer;

/**
 * MaryTTS (cmu-slt-hsmm, in this JVM) in steady state: the score is milliseconds per synthesis;
 * the real-time factor is that divided by the audio length, printed per iteration as
 * {@code RTF wall} (elapsed / audio) and {@code RTF cpu} (process CPU time, all threads, / audio),
 * the figure to compare with the 0.09 CPU-s per audio-s measured before. One thread.
 *
 * <p>{@code rawMaryInterface} is the baseline in the same run: MaryTTS's own
 * {@code LocalMaryInterface.generateAudio} with the bytes read out, without s2s (no float
 * conversion, no voice checks); {@code synthesize / rawMaryInterface} is the s2s wrapper's cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@Threads(1)
public class MaryBench {

    /** A short reply and a paragraph-length one. */
    @Param({"short", "paragraph"})
    public String text;

    private static final String SHORT = "Hello world, this is a test.";
    private static final String PARAGRAPH = "The quick brown fox jumps over the lazy dog. Speech synthesis in the "
            + "Java virtual machine runs entirely offline, without any network access. This paragraph is long "
            + "enough to measure the steady-state real-time factor of the hidden semi-Markov model voice.";

    private MaryTtsSynthesizer tts;
    private String input;
    private double audioSeconds;
    private long ops;
    private long cpu0;
    private long wall0;

    @Setup(Level.Trial)
    public void start() {
        tts = MaryTtsSynthesizer.create();
        input = text.equals("short") ? SHORT : PARAGRAPH;
        audioSeconds = tts.synthesize(input).seconds();
    }

    @Setup(Level.Iteration)
    public void mark() {
        ops = 0;
        cpu0 = processCpuNanos();
        wall0 = System.nanoTime();
    }

    @TearDown(Level.Iteration)
    public void report() {
        double audio = ops * audioSeconds;
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        double wall = (System.nanoTime() - wall0) / 1e9;
        System.out.printf(Locale.ROOT, "%n[MaryBench %s] %d calls of %.2f s audio: RTF wall %.3f, RTF cpu %.3f%n",
                text, ops, audioSeconds, wall / audio, cpu / audio);
    }

    @TearDown(Level.Trial)
    public void stop() {
        tts.close();
    }

    @Benchmark
    public AudioClip synthesize() {
        ops++;
        return tts.synthesize(input);
    }

    @Benchmark
    public long rawMaryInterface() throws Exception {
        ops++;
        marytts.LocalMaryInterface mary = new marytts.LocalMaryInterface();
        try (javax.sound.sampled.AudioInputStream in = mary.generateAudio(input)) {
            byte[] buf = new byte[1 << 16];
            long total = 0;
            int r;
            while ((r = in.read(buf, 0, buf.length)) >= 0) {
                total += r;
            }
            return total;
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
