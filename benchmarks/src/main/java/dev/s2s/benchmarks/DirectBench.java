package dev.s2s.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;

import dev.s2s.api.Generation;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.Prompt;
import dev.s2s.llama.LlamaDirectModel;
import dev.s2s.llama.LlamaLanguageModel;
import dev.s2s.llama.LlamaSettings;

/**
 * Token rates of llama-direct against its baselines, all in one run and one JVM: 1 thread,
 * greedy, {@code N} tokens after "Once upon a time" (default 128) on stories260K.
 * <ul>
 *   <li>{@code C loop}: {@link DirectCLoop}, a plain C decode loop linked against the same
 *       {@code libjllama} (a separate process, built here with gcc);</li>
 *   <li>{@code llama-direct}: {@link LlamaDirectModel}, KV cache cleared before every repetition;</li>
 *   <li>{@code llama}: the java-llama.cpp provider, {@link LlamaLanguageModel};</li>
 *   <li>{@code java-llama.cpp}: {@code LlamaModel.generate} called directly.</li>
 * </ul>
 * Tokens per second are counted after the first token ((n-1) / (t_last - t_first)), time to first
 * token from the start of the call (tokenization and prompt decode included). The contenders run
 * in interleaved rounds (after one warm-up round) so that background load on a shared machine hits
 * all of them alike, and every run starts after the same short pause ({@link #PAUSE_MS}). Process
 * CPU time per run is reported too: it does not depend on how busy the machine is. Medians are printed with ratios against the C loop and java-llama.cpp.
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar
 * dev.s2s.benchmarks.DirectBench [model.gguf] [tokens=128] [rounds=6] [runsPerRound=10]}.
 */
public final class DirectBench {

    /**
     * Pause before every run of every contender. java-llama.cpp computes on its own server thread,
     * which sleeps between requests; a busy Linux scheduler favours a thread that just woke up, so
     * without equal pauses the back-to-back loops lose wall time to it for reasons unrelated to
     * their cost.
     */
    static final int PAUSE_MS = 30;

    /** Runs of each in-JVM contender in the warm-up round. */
    static final int WARMUP_RUNS = 150;

    private DirectBench() {
    }

    /** Measurements of one contender. */
    static final class Series {
        final String name;
        final List<Double> tps = new ArrayList<>();
        final List<Double> ttftMs = new ArrayList<>();
        final List<Double> totalMs = new ArrayList<>();
        final List<Double> cpuMs = new ArrayList<>();
        int tokens;
        String text;

        Series(String name) {
            this.name = name;
        }

        void cpu(double ms) {
            cpuMs.add(ms);
        }

        void add(double tokensPerSecond, double ttft, double total, int n, String generated) {
            tps.add(tokensPerSecond);
            ttftMs.add(ttft);
            totalMs.add(total);
            tokens = n;
            text = generated;
        }

        double medianTps() {
            return median(tps);
        }

        double medianTtft() {
            return median(ttftMs);
        }
    }

    /** Runs the benchmark. */
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "../shared/models/stories260K.gguf").toAbsolutePath();
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        int perRound = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        String prompt = "Once upon a time";
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("model not found: " + model);
        }
        LlamaSettings settings = LlamaSettings.builder(model).threads(1).batchThreads(1).contextSize(512).build();
        GenerationOptions greedy = GenerationOptions.builder().maxTokens(n).temperature(0).build();
        Series c = new Series("C loop");
        Series direct = new Series("llama-direct");
        Series jllama = new Series("java-llama.cpp");
        Series provider = new Series("llama (provider)");

        // llama-direct first: it puts libjllama in a private folder and points java-llama.cpp at it
        LlamaDirectModel.libraryPath();
        LlamaModel.setLogger(LogFormat.TEXT, (level, text) -> { });
        try (LlamaDirectModel dm = LlamaDirectModel.open(settings);
                LlamaModel jm = new LlamaModel(new ModelParameters().setModel(model.toString()).setCtxSize(512)
                        .setThreads(1).setThreadsBatch(1).setParallel(1));
                LlamaLanguageModel pm = LlamaLanguageModel.open(settings)) {
            Path lib = LlamaDirectModel.libraryPath();
            Path exe = DirectCLoop.compile(lib, Files.createTempDirectory("s2s-direct-bench-"));
            // rounds interleave the contenders, so background load on a shared machine hits all alike
            for (int round = -1; round < rounds; round++) {
                boolean warm = round < 0;
                // the warm-up round is longer, so that the JIT has compiled the Java side of
                // every contender before anything is counted
                int runs = warm ? WARMUP_RUNS : perRound;
                DirectCLoop.Result cr = DirectCLoop.run(exe, model, prompt, n, perRound + 3, PAUSE_MS);
                if (!warm) {
                    for (DirectCLoop.Run r : cr.runs().subList(3, cr.runs().size())) {
                        c.add(r.tokensPerSecond(), r.ttftMicros() / 1000, r.totalMicros() / 1000, r.tokens(), cr.text());
                        c.cpu(r.cpuMicros() / 1000);
                    }
                }
                long cpu = cpuNanos();
                for (int i = 0; i < runs; i++) {
                    dm.clearCache();
                    Thread.sleep(warm ? 0 : PAUSE_MS);
                    Generation g = dm.generate(Prompt.text(prompt), greedy);
                    if (!warm) {
                        direct.add(g.tokensPerSecond(), g.timeToFirstToken().toNanos() / 1e6, g.total().toNanos() / 1e6,
                                g.tokens().length, g.text());
                    }
                }
                if (!warm) {
                    direct.cpu((cpuNanos() - cpu) / 1e6 / perRound);
                }
                cpu = cpuNanos();
                for (int i = 0; i < runs; i++) {
                    Thread.sleep(warm ? 0 : PAUSE_MS);
                    long t0 = System.nanoTime();
                    long first = 0;
                    long last = 0;
                    int count = 0;
                    StringBuilder text = new StringBuilder();
                    for (LlamaOutput o : jm.generate(new InferenceParameters(prompt).setTemperature(0).setNPredict(n)
                            .setSeed(42))) {
                        if (o.text.isEmpty()) {
                            continue;
                        }
                        last = System.nanoTime();
                        if (count++ == 0) {
                            first = last;
                        }
                        text.append(o.text);
                    }
                    if (!warm) {
                        jllama.add((count - 1) / ((last - first) / 1e9), (first - t0) / 1e6, (last - t0) / 1e6, count,
                                text.toString());
                    }
                }
                if (!warm) {
                    jllama.cpu((cpuNanos() - cpu) / 1e6 / perRound);
                }
                cpu = cpuNanos();
                for (int i = 0; i < runs; i++) {
                    Thread.sleep(warm ? 0 : PAUSE_MS);
                    Generation g = pm.generate(Prompt.text(prompt), greedy);
                    if (!warm) {
                        provider.add(g.tokensPerSecond(), g.timeToFirstToken().toNanos() / 1e6,
                                g.total().toNanos() / 1e6, g.tokens().length, g.text());
                    }
                }
                if (!warm) {
                    provider.cpu((cpuNanos() - cpu) / 1e6 / perRound);
                }
            }
            List<Series> all = List.of(c, direct, provider, jllama);
            for (Series s : all) {
                if (!s.text.equals(direct.text)) {
                    System.out.println("WARNING: " + s.name + " produced different text:\n  " + s.text
                            + "\n  vs llama-direct:\n  " + direct.text);
                }
            }
            double cTps = c.medianTps();
            double jTps = jllama.medianTps();
            System.out.printf(Locale.ROOT, "stories260K, 1 thread, greedy, %d tokens after \"%s\", %d rounds x %d "
                    + "runs; library %s%n", n, prompt, rounds, perRound, lib);
            double cTotal = median(c.totalMs);
            double jTotal = median(jllama.totalMs);
            System.out.printf(Locale.ROOT, "%-17s %6s %12s %9s %9s %14s %11s %9s %9s%n", "", "tokens", "tok/s median",
                    "vs C", "vs jllama", "tok/s p10-p90", "TTFT ms", "total ms", "total/C");
            for (Series s : all) {
                System.out.printf(Locale.ROOT, "%-17s %6d %12.0f %8.2fx %8.2fx %7.0f-%-6.0f %11.3f %9.2f %8.2fx%n",
                        s.name, s.tokens, s.medianTps(), s.medianTps() / cTps, s.medianTps() / jTps,
                        quantile(s.tps, 0.1), quantile(s.tps, 0.9), s.medianTtft(), median(s.totalMs),
                        median(s.totalMs) / cTotal);
            }
            System.out.printf(Locale.ROOT, "end to end (total ms): llama-direct / java-llama.cpp = %.2fx faster%n",
                    jTotal / median(direct.totalMs));
            System.out.println("process CPU time per run (all threads; robust against a busy machine):");
            double cCpu = median(c.cpuMs);
            double jCpu = median(jllama.cpuMs);
            for (Series s : all) {
                double ms = median(s.cpuMs);
                System.out.printf(Locale.ROOT, "  %-17s %8.2f ms CPU per %d tokens = %6.0f tokens per CPU-second; "
                        + "C loop / this = %.2fx, this vs java-llama.cpp = %.2fx%n", s.name, ms, s.tokens,
                        s.tokens / (ms / 1000), cCpu / ms, jCpu / ms);
            }
        }
        // java-llama.cpp leaves a non-daemon thread behind after close (kherud/java-llama.cpp#116)
        System.exit(0);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double median(List<Double> v) {
        return quantile(v, 0.5);
    }

    static double quantile(List<Double> v, double q) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }
}
