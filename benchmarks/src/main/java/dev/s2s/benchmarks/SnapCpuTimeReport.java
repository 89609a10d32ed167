package dev.s2s.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The single-threaded cases of the Snap, SnapStream, KernelMatmul and ProjectorMlp benchmarks
 * timed by <em>thread CPU time</em> instead of wall time: on a shared machine whose load average
 * is far above its core count, wall time mostly measures the other tenants, while CPU time still
 * measures the code (cache interference from neighbours remains). Reuses the JMH state classes.
 * Prints medians of per-op CPU milliseconds and derived rates, and writes them as JSON.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar
 * dev.s2s.benchmarks.SnapCpuTimeReport [reps] [out.json]}.
 */
public final class SnapCpuTimeReport {

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private SnapCpuTimeReport() {
    }

    private static final Map<String, Double> BEST = new LinkedHashMap<>();

    /**
     * Median CPU milliseconds per op over {@code reps} runs after {@code warm} warm-up runs; the
     * best run is kept in {@link #BEST} under {@code name}.
     */
    static double medianCpuMs(String name, Supplier<?> op, int warm, int reps) {
        for (int i = 0; i < warm; i++) {
            op.get();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long c0 = MX.getCurrentThreadCpuTime();
            op.get();
            t[i] = (MX.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        Arrays.sort(t);
        BEST.put(name.replace("_ms", "_best_ms"), t[0]);
        return t[reps / 2];
    }

    public static void main(String[] args) throws IOException {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path out = Path.of(args.length > 1 ? args[1] : "snap-cputime.json");
        Map<String, Double> r = new LinkedHashMap<>();
        double gflop = 2.0 * SnapBenchmark.Q * SnapBenchmark.V * SnapBenchmark.D / 1e9;

        KernelMatmulBenchmark km = new KernelMatmulBenchmark();
        km.setup();
        r.put("kernel_matmul_vector_ms", medianCpuMs("kernel_matmul_vector_ms", km::matmulTransB1Thread, 3, reps));
        km.tearDown();
        km = null;

        SnapBenchmark sb = new SnapBenchmark();
        sb.setup();
        r.put("snap_f32_vector_ms", medianCpuMs("snap_f32_vector_ms", sb::f32Vector1Thread, 3, reps));
        r.put("snap_int8_vector_ms", medianCpuMs("snap_int8_vector_ms", sb::int8Vector1Thread, 3, reps));
        r.put("snap_f32_scalar_ms", medianCpuMs("snap_f32_scalar_ms", sb::f32Scalar1Thread, 0, 1));
        sb.tearDown();
        sb = null;

        SnapStreamBenchmark ss = new SnapStreamBenchmark();
        ss.setup();
        r.put("stream_f16_one_query_ms", medianCpuMs("stream_f16_one_query_ms", ss::f16OneQuery1Thread, 2, reps));
        r.put("stream_probe_1GiB_ms", medianCpuMs("stream_probe_1GiB_ms", ss::bandwidthProbe1GiB, 2, reps));
        ss.tearDown();
        ss = null;

        ProjectorMlpBenchmark pm = new ProjectorMlpBenchmark();
        pm.setup();
        r.put("mlp_vector_ms", medianCpuMs("mlp_vector_ms", pm::mlpVector1Thread, 3, reps));
        r.put("mlp_scalar_ms", medianCpuMs("mlp_scalar_ms", pm::mlpScalar1Thread, 0, 1));
        pm.tearDown();

        r.put("kernel_matmul_vector_gflops", gflop / r.get("kernel_matmul_vector_ms") * 1e3);
        r.put("snap_f32_vector_gflops", gflop / r.get("snap_f32_vector_ms") * 1e3);
        r.put("snap_int8_vector_gflops", gflop / r.get("snap_int8_vector_ms") * 1e3);
        r.put("snap_f32_scalar_gflops", gflop / r.get("snap_f32_scalar_ms") * 1e3);
        r.put("snap_vector_over_scalar", r.get("snap_f32_scalar_ms") / r.get("snap_f32_vector_ms"));
        r.put("snap_vector_over_openblas_92_9", r.get("snap_f32_vector_gflops") / 92.9);
        r.put("snap_int8_over_f32_speed", r.get("snap_f32_vector_ms") / r.get("snap_int8_vector_ms"));
        double f16Bytes = (double) SnapStreamBenchmark.V * SnapStreamBenchmark.D * 2;
        r.put("stream_f16_GBps", f16Bytes / r.get("stream_f16_one_query_ms") / 1e6);
        r.put("stream_probe_GBps", SnapStreamBenchmark.PROBE_BYTES / r.get("stream_probe_1GiB_ms") / 1e6);
        r.put("stream_f16_over_probe", r.get("stream_f16_GBps") / r.get("stream_probe_GBps"));
        r.put("mlp_vector_frames_per_s", ProjectorMlpBenchmark.FRAMES / r.get("mlp_vector_ms") * 1e3);
        r.put("mlp_scalar_frames_per_s", ProjectorMlpBenchmark.FRAMES / r.get("mlp_scalar_ms") * 1e3);
        r.put("mlp_vector_over_scalar", r.get("mlp_scalar_ms") / r.get("mlp_vector_ms"));

        r.putAll(BEST);
        r.put("kernel_matmul_vector_best_gflops", gflop / BEST.get("kernel_matmul_vector_best_ms") * 1e3);
        r.put("snap_f32_vector_best_gflops", gflop / BEST.get("snap_f32_vector_best_ms") * 1e3);
        StringBuilder json = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, Double> e : r.entrySet()) {
            json.append(String.format("  \"%s\": %.4f%s%n", e.getKey(), e.getValue(), ++i < r.size() ? "," : ""));
        }
        json.append("}\n");
        Files.writeString(out, json);
        System.out.print(json);
    }
}
