package dev.s2s.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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

import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.Metric;
import dev.s2s.api.SnapOptions;
import dev.s2s.api.SnapResult;
import dev.s2s.api.TokenMatrix;
import dev.s2s.kernels.Kernels;
import dev.s2s.projector.VectorTokenSnapper;

/**
 * Snapping 128 frames against a 32000 × 2048 f32 token matrix (the shape of a 32k vocabulary):
 * the SIMD path on 1 and 2 threads, the scalar path, and the int8 matrix (÷4 memory) on the SIMD
 * path. One operation scores 128 × 32000 × 2048 multiply-adds (16.8 GFLOP) and keeps the top 5 by
 * inner product. GFLOP/s = 16.777 / (seconds per op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class SnapBenchmark {

    static final int V = 32000;
    static final int D = 2048;
    static final int Q = 128;

    private Arena arena;
    private EmbeddingSequence queries;
    private SnapOptions options;
    private VectorTokenSnapper vector1;
    private VectorTokenSnapper vector2;
    private VectorTokenSnapper scalar1;
    private VectorTokenSnapper int8Vector1;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        MemorySegment seg = arena.allocate((long) V * D * 4, 64);
        SplittableRandom r = new SplittableRandom(42);
        for (long i = 0; i < (long) V * D; i++) {
            seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() - 0.5));
        }
        TokenMatrix f32 = TokenMatrix.of(TokenMatrix.Storage.F32, seg, V, D, null, null);
        TokenMatrix i8 = f32.convert(TokenMatrix.Storage.INT8);
        float[] q = new float[Q * D];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) (r.nextDouble() - 0.5);
        }
        queries = new EmbeddingSequence(q, Q, D, 12.5);
        options = SnapOptions.builder().metric(Metric.INNER_PRODUCT).topK(5).build();
        vector1 = VectorTokenSnapper.builder(f32).kernels(Kernels.get()).build();
        vector2 = VectorTokenSnapper.builder(f32).kernels(Kernels.get()).threads(2).build();
        scalar1 = VectorTokenSnapper.builder(f32).kernels(Kernels.scalar()).build();
        int8Vector1 = VectorTokenSnapper.builder(i8).kernels(Kernels.get()).build();
        if (!Kernels.get().name().startsWith("vector")) {
            throw new IllegalStateException("the Vector API is not enabled: " + Kernels.get().name());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        vector1.close();
        vector2.close();
        scalar1.close();
        int8Vector1.close();
        arena.close();
    }

    @Benchmark
    public SnapResult f32Vector1Thread() {
        return vector1.snap(queries, options);
    }

    @Benchmark
    public SnapResult f32Vector2Threads() {
        return vector2.snap(queries, options);
    }

    @Benchmark
    public SnapResult f32Scalar1Thread() {
        return scalar1.snap(queries, options);
    }

    @Benchmark
    public SnapResult int8Vector1Thread() {
        return int8Vector1.snap(queries, options);
    }
}
