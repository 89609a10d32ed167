package dev.s2s.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

import dev.s2s.kernels.Kernels;

/**
 * The raw kernel on the sgemm shape OpenBLAS was measured on: C (128 × 32000) = A (128 × 2048) ·
 * B (32000 × 2048)ᵀ, 16.777 GFLOP per op, SIMD on 1 and 2 threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
public class KernelMatmulBenchmark {

    static final int M = 128;
    static final int N = 32000;
    static final int K = 2048;

    private float[] a;
    private float[] b;
    private float[] c;
    private ExecutorService pool;
    private final Kernels kernels = Kernels.get();

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(7);
        a = new float[M * K];
        b = new float[N * K];
        c = new float[M * N];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextDouble() - 0.5);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (r.nextDouble() - 0.5);
        }
        pool = Executors.newFixedThreadPool(1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdownNow();
    }

    @Benchmark
    public float[] matmulTransB1Thread() {
        kernels.matmulTransB(a, 0, K, b, 0, K, c, 0, N, M, N, K);
        return c;
    }

    @Benchmark
    public float[] matmulTransB2Threads() {
        kernels.matmulTransB(a, 0, K, b, 0, K, c, 0, N, M, N, K, pool, 2);
        return c;
    }
}
