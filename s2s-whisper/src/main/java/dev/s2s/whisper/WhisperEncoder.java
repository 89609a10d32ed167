package dev.s2s.whisper;

import java.nio.file.Path;

import dev.s2s.api.AudioClip;
import dev.s2s.api.AudioEncoder;
import dev.s2s.api.AudioFormatException;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.formats.GgmlModel;
import dev.s2s.whisper.internal.EncoderNet;
import dev.s2s.whisper.internal.LogMel;
import dev.s2s.whisper.internal.Parallel;

/**
 * The Whisper audio encoder in pure Java: reads a whisper.cpp ggml {@code .bin} model (f16 or f32
 * weights) and turns audio into the encoder's hidden states, {@code n_audio_state} wide at 50
 * frames per second (the vectors whisper.cpp's decoder cross-attends to). The numerics follow
 * whisper.cpp v1.7.1 on CPU, including its f16 rounding points; matrix products and softmax run on
 * the shared {@code dev.s2s.kernels.Kernels}.
 *
 * <p>Audio is converted to 16 kHz mono and turned into whisper.cpp's log-mel (see
 * {@link WhisperMelEncoder}). The encoder always sees 30 s windows (3000 mel frames → 1500
 * positions). The output keeps the {@code ceil(samples / 320)} positions that cover the audio,
 * or every position of every window when {@code keepPadding} is set. <b>Audio over 30 s</b> is
 * encoded in consecutive 30 s windows (mel frames {@code [3000w, 3000w + 3000)}, normalised over
 * the whole clip as whisper.cpp does) whose outputs are concatenated.
 *
 * <p>Thread-safe: {@link #encode} may be called concurrently (the worker threads are shared).
 * {@link #close()} stops the worker threads.
 */
public final class WhisperEncoder implements AudioEncoder {

    private final EncoderNet net;
    private final LogMel mel;
    private final Parallel par;
    private final boolean keepPadding;
    private volatile boolean closed;

    private WhisperEncoder(EncoderNet net, LogMel mel, int threads, boolean keepPadding) {
        this.net = net;
        this.mel = mel;
        this.par = new Parallel(threads);
        this.keepPadding = keepPadding;
    }

    /**
     * Loads the encoder of a whisper.cpp model.
     *
     * @param model       the ggml {@code .bin} file
     * @param threads     worker threads, at least 1
     * @param keepPadding keep all 1500 positions of each window instead of trimming to the audio
     * @throws dev.s2s.api.ModelFormatException when the file is bad, weightless, quantized or
     *                                          lacks an encoder tensor
     */
    public static WhisperEncoder open(Path model, int threads, boolean keepPadding) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        try (GgmlModel m = GgmlModel.open(model)) {
            return new WhisperEncoder(new EncoderNet(m), new LogMel(m.melFilters(), m.melBands()), threads, keepPadding);
        }
    }

    /** 16 kHz mono samples of {@code audio}; refuses empty audio. */
    static float[] samples16k(AudioClip audio) {
        if (audio == null || audio.isEmpty()) {
            throw new AudioFormatException("cannot encode empty audio");
        }
        return audio.toMono(LogMel.SAMPLE_RATE).samples();
    }

    @Override
    public EmbeddingSequence encode(AudioClip audio) {
        if (closed) {
            throw new IllegalStateException("encoder is closed");
        }
        float[] x = samples16k(audio);
        float[] m = mel.compute(x);
        int nLen = m.length / mel.nMels();
        int ctx = net.nCtx();
        int n = net.nState();
        int positions = (x.length + 2 * LogMel.HOP - 1) / (2 * LogMel.HOP);
        int windows = Math.max(1, (positions + ctx - 1) / ctx);
        int keep = keepPadding ? windows * ctx : positions;
        float[] out = new float[keep * n];
        for (int w = 0; w < windows; w++) {
            float[] y = net.forward(m, nLen, w * 2 * ctx, par);
            int from = w * ctx;
            int count = Math.min(ctx, keep - from);
            System.arraycopy(y, 0, out, from * n, count * n);
        }
        return new EmbeddingSequence(out, keep, n, framesPerSecond());
    }

    /**
     * Encodes one 30 s window of a band-major log-mel ({@code nMels × melLen}) from frame
     * {@code offset}: all {@code 1500 × dim} values, position-major. For golden checks.
     */
    public float[] encodeMel(float[] logMel, int melLen, int offset) {
        if (logMel.length != melLen * net.nMels()) {
            throw new IllegalArgumentException("log-mel must hold " + net.nMels() + " x " + melLen + " values");
        }
        return net.forward(logMel, melLen, offset, par);
    }

    /** Floating-point operations of one 30 s window (for benchmarks). */
    public double flopsPerWindow() {
        return net.flops();
    }

    @Override
    public int dim() {
        return net.nState();
    }

    @Override
    public double framesPerSecond() {
        return LogMel.SAMPLE_RATE / (2.0 * LogMel.HOP);
    }

    /** Stops the worker threads. Idempotent. */
    @Override
    public void close() {
        closed = true;
        par.close();
    }
}
