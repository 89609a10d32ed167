package dev.s2s.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;

import dev.s2s.api.Generation;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.Prompt;
import dev.s2s.llama.LlamaLanguageModel;
import dev.s2s.llama.LlamaSettings;

/**
 * Tokens per second and time to first token of the "llama" provider against java-llama.cpp called
 * directly, in the same JVM, on the same model with the same settings (1 thread, greedy, same
 * sampling parameters). Runs alternate between the two to share the machine's noise; medians are
 * reported with the provider/direct ratios.
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar
 * dev.s2s.benchmarks.LlamaBench [model.gguf] [runs] [tokens]} (defaults: ../shared/models/stories260K.gguf,
 * 40 runs, 128 tokens). Not thread-safe; a program, not a library type.
 */
public final class LlamaBench {

    private static final String PROMPT = "Once upon a time";
    private static final int CONTEXT = 512;

    private LlamaBench() {
    }

    /** One measured generation. */
    private record Run(double ttftMs, double tokensPerSecond, double endToEndTokensPerSecond, int tokens) {
    }

    /** @param args model path, runs, tokens */
    public static void main(String[] args) {
        Path model = Path.of(args.length > 0 ? args[0] : "../shared/models/stories260K.gguf");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        GenerationOptions options = GenerationOptions.builder().maxTokens(tokens).temperature(0).build();
        // the provider loads first: it installs java-llama.cpp's native library in a private directory
        try (LlamaLanguageModel provider = LlamaLanguageModel.open(
                LlamaSettings.builder(model).threads(1).contextSize(CONTEXT).build());
                LlamaModel direct = directModel(model)) {
            List<Run> viaProvider = new ArrayList<>();
            List<Run> viaDirect = new ArrayList<>();
            int warmup = Math.max(30, runs / 2); // JIT warm-up of both paths
            for (int i = 0; i < warmup + runs; i++) {
                // alternate the order so neither side always runs first
                Run a;
                Run b;
                if (i % 2 == 0) {
                    a = provider(provider, options);
                    b = direct(direct, options);
                } else {
                    b = direct(direct, options);
                    a = provider(provider, options);
                }
                if (i >= warmup) {
                    viaProvider.add(a);
                    viaDirect.add(b);
                }
            }
            report(model, runs, tokens, viaProvider, viaDirect);
        }
        // the directly created java-llama.cpp model leaves its non-daemon worker thread behind
        // (kherud/java-llama.cpp#116); the provider's does not, but this JVM still needs an explicit exit
        System.exit(0);
    }

    private static LlamaModel directModel(Path model) {
        return new LlamaModel(new ModelParameters().setModel(model.toString()).setCtxSize(CONTEXT).setThreads(1)
                .setThreadsBatch(1).setSeed(42).setParallel(1).disableContextShift().disableLog());
    }

    private static Run provider(LlamaLanguageModel m, GenerationOptions o) {
        long t0 = System.nanoTime();
        Generation g = m.generate(Prompt.text(PROMPT), o);
        long t1 = System.nanoTime();
        return new Run(g.timeToFirstToken().toNanos() / 1e6, g.tokensPerSecond(), g.tokens().length / ((t1 - t0) / 1e9),
                g.tokens().length);
    }

    private static Run direct(LlamaModel m, GenerationOptions o) {
        InferenceParameters ip = new InferenceParameters(PROMPT).setNPredict(o.maxTokens())
                .setTemperature(o.temperature()).setTopK(o.topK()).setTopP(o.topP()).setMinP(o.minP())
                .setRepeatPenalty(o.repeatPenalty()).setSeed((int) o.seed());
        long t0 = System.nanoTime();
        long first = 0;
        long last = 0;
        int n = 0;
        LlamaIterator it = m.generate(ip).iterator();
        while (it.hasNext()) {
            LlamaOutput out = it.next();
            long now = System.nanoTime();
            if (first == 0) {
                first = now;
            }
            if (!out.text.isEmpty()) {
                n++;
                last = now;
            }
        }
        long t1 = System.nanoTime();
        return new Run((first - t0) / 1e6, n > 1 ? (n - 1) / ((last - first) / 1e9) : 0, n / ((t1 - t0) / 1e9), n);
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void report(Path model, int runs, int tokens, List<Run> p, List<Run> d) {
        double pTps = median(p, Run::tokensPerSecond);
        double dTps = median(d, Run::tokensPerSecond);
        double pE2e = median(p, Run::endToEndTokensPerSecond);
        double dE2e = median(d, Run::endToEndTokensPerSecond);
        double pTtft = median(p, Run::ttftMs);
        double dTtft = median(d, Run::ttftMs);
        System.out.printf(Locale.ROOT, "model %s, %d runs each (alternating), up to %d tokens, 1 thread, greedy%n",
                model.getFileName(), runs, tokens);
        System.out.printf(Locale.ROOT, "tokens generated per run: provider %s, direct %s%n",
                Arrays.toString(p.stream().mapToInt(Run::tokens).distinct().toArray()),
                Arrays.toString(d.stream().mapToInt(Run::tokens).distinct().toArray()));
        System.out.printf(Locale.ROOT, "%-34s %12s %12s %10s%n", "median", "provider", "direct", "ratio");
        System.out.printf(Locale.ROOT, "%-34s %12.1f %12.1f %10.3f%n", "tokens/s after the first token", pTps, dTps,
                pTps / dTps);
        System.out.printf(Locale.ROOT, "%-34s %12.1f %12.1f %10.3f%n", "tokens/s end to end (call to end)", pE2e,
                dE2e, pE2e / dE2e);
        System.out.printf(Locale.ROOT, "%-34s %12.3f %12.3f %10.3f%n", "time to first token (ms)", pTtft, dTtft,
                pTtft / dTtft);
        System.out.printf(Locale.ROOT, "provider overhead on end-to-end throughput: %.1f%%%n", (1 - pE2e / dE2e) * 100);
    }
}
