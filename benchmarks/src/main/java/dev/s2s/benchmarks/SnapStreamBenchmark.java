package dev.s2s.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
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

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.Metric;
import dev.s2s.api.SnapOptions;
import dev.s2s.api.SnapResult;
import dev.s2s.api.TokenMatrix;
import dev.s2s.kernels.Kernels;
import dev.s2s.projector.VectorTokenSnapper;

/**
 * One query against a 128256 × 4096 f16 matrix (1.05 GB, the Llama-3 vocabulary): memory-bound,
 * so it is reported as bytes streamed per second next to a memory-bandwidth probe run in the same
 * JVM (a SIMD sum over a 1 GiB off-heap float array). GB/s = bytes / (seconds per op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class SnapStreamBenchmark {

    static final int V = 128256;
    static final int D = 4096;
    static final long PROBE_BYTES = 1L << 30;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

    private Arena arena;
    private MemorySegment probe;
    private EmbeddingSequence query;
    private SnapOptions options;
    private VectorTokenSnapper f16x1;
    private VectorTokenSnapper f16x2;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        MemorySegment seg = arena.allocate((long) V * D * 2, 64);
        long x = 0x9E3779B97F4A7C15L;
        for (long i = 0; i < (long) V * D; i += 4) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            // four halves with random sign and mantissa, exponent 14: |value| in [0.5, 1)
            seg.set(ValueLayout.JAVA_LONG_UNALIGNED, 2 * i, (x & 0x83FF_83FF_83FF_83FFL) | 0x3800_3800_3800_3800L);
        }
        TokenMatrix m = TokenMatrix.of(TokenMatrix.Storage.F16, seg, V, D, null, null);
        probe = arena.allocate(PROBE_BYTES, 64);
        probe.fill((byte) 1);
        float[] q = new float[D];
        for (int i = 0; i < D; i++) {
            q[i] = (float) Math.sin(i);
        }
        query = new EmbeddingSequence(q, 1, D, 0);
        options = SnapOptions.builder().metric(Metric.INNER_PRODUCT).topK(5).build();
        f16x1 = VectorTokenSnapper.builder(m).kernels(Kernels.get()).build();
        f16x2 = VectorTokenSnapper.builder(m).kernels(Kernels.get()).threads(2).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        f16x1.close();
        f16x2.close();
        arena.close();
    }

    @Benchmark
    public SnapResult f16OneQuery1Thread() {
        return f16x1.snap(query, options);
    }

    @Benchmark
    public SnapResult f16OneQuery2Threads() {
        return f16x2.snap(query, options);
    }

    /** The bandwidth probe: sums 1 GiB of floats off-heap with 4 SIMD accumulators. */
    @Benchmark
    public float bandwidthProbe1GiB() {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        long step = 4L * S.vectorByteSize();
        for (long o = 0; o < PROBE_BYTES; o += step) {
            a0 = a0.add(FloatVector.fromMemorySegment(S, probe, o, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(S, probe, o + 32, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(S, probe, o + 64, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(S, probe, o + 96, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }
}
