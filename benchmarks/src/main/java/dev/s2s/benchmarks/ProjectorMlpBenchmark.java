package dev.s2s.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.formats.SafetensorsWriter;

/**
 * The "mlp" projector on 1500 frames × 384 (30 s of Whisper-tiny encoder output) → stack 4 →
 * Linear 1536→2048 → GELU → Linear 2048→2048: 7.0 GFLOP per op. Input frames per second =
 * 1500 / (seconds per op). SIMD kernels vs scalar, 1 thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ProjectorMlpBenchmark {

    static final int FRAMES = 1500;
    static final int D = 384;
    static final int STACK = 4;
    static final int H = 2048;
    static final int OUT = 2048;

    private Path dir;
    private EmbeddingProjector vector;
    private EmbeddingProjector scalar;
    private EmbeddingSequence input;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        dir = Files.createTempDirectory("s2s-mlp-bench");
        int in = D * STACK;
        Path weights = dir.resolve("p.safetensors");
        new SafetensorsWriter().add("w1", random(r, H * in, 0.03), H, in).add("b1", random(r, H, 0.1), H)
                .add("w2", random(r, OUT * H, 0.02), OUT, H).add("b2", random(r, OUT, 0.1), OUT).write(weights);
        ProviderConfig c = ProviderConfig.of(Map.of("weights", weights.toString(), "stack", STACK, "activation", "gelu",
                "linear1", Map.of("weight", "w1", "bias", "b1"), "linear2", Map.of("weight", "w2", "bias", "b2")));
        vector = S2s.projector("mlp", c);
        scalar = S2s.projector("mlp", c.with("kernels", "scalar"));
        input = new EmbeddingSequence(random(r, FRAMES * D, 1), FRAMES, D, 50);
    }

    private static float[] random(SplittableRandom r, int n, double s) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((r.nextDouble() - 0.5) * 2 * s);
        }
        return x;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        vector.close();
        scalar.close();
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @Benchmark
    public EmbeddingSequence mlpVector1Thread() {
        return vector.project(input);
    }

    @Benchmark
    public EmbeddingSequence mlpScalar1Thread() {
        return scalar.project(input);
    }
}
