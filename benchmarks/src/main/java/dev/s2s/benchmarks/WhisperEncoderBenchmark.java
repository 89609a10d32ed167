package dev.s2s.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import org.openjdk.jmh.annotations.Warmup;

import com.sun.jna.Pointer;

import dev.s2s.api.AudioClip;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.kernels.Kernels;
import dev.s2s.whisper.WhisperEncoder;
import dev.s2s.whisper.internal.NativeWhisper;
import io.github.givimad.whisperjni.WhisperJNI;

/**
 * Whisper encoder time for 30 s of audio on a Whisper-tiny-shaped model (d = 384, 6 heads, 4
 * layers, random f16 weights written into a temporary ggml file by the benchmark itself):
 * <ul>
 * <li>{@code javaEncoder}: s2s's pure-Java encoder ({@link WhisperEncoder}), log-mel included;</li>
 * <li>{@code whisperCpp}: whisper.cpp's own {@code whisper_pcm_to_mel_with_state} +
 * {@code whisper_encode_with_state} on the same file and audio, in the same JVM, through JNA
 * into the {@code libwhisper} bundled in whisper-jni 1.7.1;</li>
 * <li>{@code matmulRoofline}: {@link Kernels#matmulTransB} alone on the encoder's largest matmul
 * shape (1500 × 384 by 1536 × 384), split over the same threads: the ceiling for the encoder's
 * GFLOP/s.</li>
 * </ul>
 * The encoder does {@link #ENCODER_GFLOP} GFLOP per 30 s window; GFLOP/s = that / time. Run with
 * {@code -p threads=2} (default) and compare the three scores of one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class WhisperEncoderBenchmark {

    /** GFLOP of one tiny-shaped encoder window (conv stem, 4 blocks with attention over 1500 positions). */
    public static final double ENCODER_GFLOP = 36.94;

    /** Matmuls per {@link #matmulRoofline} op. */
    public static final int ROOFLINE_REPS = 10;

    /** GFLOP per {@link #matmulRoofline} op: 10 × 2 × 1500 × 1536 × 384. */
    public static final double ROOFLINE_GFLOP = 17.69;

    @Param({"2"})
    public int threads;

    private Path dir;
    private Path model;
    private AudioClip audio;
    private float[] pcm;
    private WhisperEncoder encoder;
    private NativeWhisper.Api api;
    private Pointer ctx;
    private Pointer state;
    private ExecutorService pool;
    private float[] ma;
    private float[] mb;
    private float[] mc;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("s2s-whisper-bench");
        model = dir.resolve("tiny-random-f16.bin");
        WhisperRandomModel.write(model, 384, 6, 4, 20251125L);
        SplittableRandom r = new SplittableRandom(7);
        pcm = new float[30 * 16000];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * i / 16000.0) + 0.05 * (r.nextDouble() - 0.5));
        }
        audio = AudioClip.mono(pcm, 16000);
        encoder = WhisperEncoder.open(model, threads, true);
        double gflop = encoder.flopsPerWindow() / 1e9;
        if (Math.abs(gflop - ENCODER_GFLOP) > 0.01) {
            throw new IllegalStateException("ENCODER_GFLOP is stale: " + gflop);
        }
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        WhisperJNI.loadLibrary();
        WhisperJNI.setLibraryLogger(null);
        api = NativeWhisper.api();
        ctx = api.whisper_init_from_file_no_state(model.toString());
        if (ctx == null) {
            throw new IllegalStateException("whisper.cpp refused " + model);
        }
        state = api.whisper_init_state(ctx);
        pool = Executors.newFixedThreadPool(threads);
        ma = random(1500 * 384, r);
        mb = random(1536 * 384, r);
        mc = new float[1500 * 1536];
    }

    private static float[] random(int n, SplittableRandom r) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() - 0.5);
        }
        return v;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        encoder.close();
        api.whisper_free_state(state);
        api.whisper_free(ctx);
        pool.shutdownNow();
        Files.deleteIfExists(model);
        Files.deleteIfExists(dir);
    }

    /** The Java encoder on 30 s of audio (mel included). */
    @Benchmark
    public EmbeddingSequence javaEncoder() {
        return encoder.encode(audio);
    }

    /** whisper.cpp's mel + encoder on the same audio and model. */
    @Benchmark
    public int whisperCpp() {
        int rc = api.whisper_pcm_to_mel_with_state(ctx, state, pcm, pcm.length, threads);
        rc |= api.whisper_encode_with_state(ctx, state, 0, threads);
        if (rc != 0) {
            throw new IllegalStateException("whisper.cpp failed: " + rc);
        }
        return rc;
    }

    /**
     * {@value #ROOFLINE_REPS} × Kernels.matmulTransB on 1500×384 · (1536×384)ᵀ (the encoder's MLP
     * shape), rows split over the threads: {@value #ROOFLINE_GFLOP} GFLOP per op.
     */
    @Benchmark
    public float matmulRoofline() throws Exception {
        int m = 1500;
        int chunk = (m + threads - 1) / threads;
        for (int rep = 0; rep < ROOFLINE_REPS; rep++) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int r0 = t * chunk;
                int rows = Math.min(chunk, m - r0);
                fs.add(pool.submit(() -> Kernels.get().matmulTransB(ma, r0 * 384, 384, mb, 0, 384, mc, r0 * 1536, 1536,
                        rows, 1536, 384)));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
        return mc[17];
    }
}
