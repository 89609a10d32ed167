package dev.s2s.whisper;

import java.nio.file.Path;

import dev.s2s.api.AudioClip;
import dev.s2s.api.AudioEncoder;
import dev.s2s.api.AudioFormatException;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.formats.GgmlModel;
import dev.s2s.whisper.internal.LogMel;

/**
 * Whisper's log-mel front end as an {@link AudioEncoder}: 80 (or 128) mel bands every 10 ms,
 * computed exactly as whisper.cpp v1.7.1 does (bit-identical output), with the filter bank read
 * from a whisper.cpp ggml model file.
 *
 * <p>Audio is converted to 16 kHz mono. As in whisper.cpp the log-mel is normalised over the
 * audio plus 30 s of zero padding (clamp to {@code max - 8}, then {@code (x + 4) / 4}). The output
 * holds the {@code ceil(samples / 160)} frames that cover the audio, or all
 * {@code (samples + 480000) / 160} frames including the padding when {@code keepPadding} is set.
 * With {@code pairAverage}, consecutive pairs of frames are averaged into 20 ms frames (the
 * encoder's rate). Each output row is one frame; column {@code b} is mel band {@code b}.
 *
 * <p>Thread-safe: {@link #encode} may be called concurrently.
 */
public final class WhisperMelEncoder implements AudioEncoder {

    private final LogMel mel;
    private final boolean pairAverage;
    private final boolean keepPadding;

    private WhisperMelEncoder(LogMel mel, boolean pairAverage, boolean keepPadding) {
        this.mel = mel;
        this.pairAverage = pairAverage;
        this.keepPadding = keepPadding;
    }

    /**
     * A front end using the filter bank of {@code model}.
     *
     * @param model       a whisper.cpp ggml {@code .bin} file (weightless test models work too)
     * @param pairAverage average pairs of frames to 20 ms
     * @param keepPadding keep the frames of the 30 s zero padding
     * @throws dev.s2s.api.ModelFormatException for a bad model file
     */
    public static WhisperMelEncoder open(Path model, boolean pairAverage, boolean keepPadding) {
        try (GgmlModel m = GgmlModel.open(model)) {
            return new WhisperMelEncoder(new LogMel(m.melFilters(), m.melBands()), pairAverage, keepPadding);
        }
    }

    @Override
    public EmbeddingSequence encode(AudioClip audio) {
        float[] x = WhisperEncoder.samples16k(audio);
        float[] m = mel.compute(x);
        int nLen = m.length / mel.nMels();
        int covered = (x.length + LogMel.HOP - 1) / LogMel.HOP;
        int frames = keepPadding ? nLen : Math.min(nLen, covered);
        int bands = mel.nMels();
        if (!pairAverage) {
            float[] out = new float[frames * bands];
            for (int t = 0; t < frames; t++) {
                for (int b = 0; b < bands; b++) {
                    out[t * bands + b] = m[b * nLen + t];
                }
            }
            return new EmbeddingSequence(out, frames, bands, 100.0);
        }
        int pairs = (frames + 1) / 2;
        float[] out = new float[pairs * bands];
        for (int t = 0; t < pairs; t++) {
            int f0 = 2 * t;
            int f1 = Math.min(2 * t + 1, nLen - 1);
            for (int b = 0; b < bands; b++) {
                out[t * bands + b] = 0.5f * (m[b * nLen + f0] + m[b * nLen + f1]);
            }
        }
        return new EmbeddingSequence(out, pairs, bands, 50.0);
    }

    /**
     * The full normalised log-mel of 16 kHz mono samples, band-major
     * ({@code [band * frames + frame]}, {@code frames = (n + 480000) / 160}), exactly as whisper.cpp
     * stores it.
     */
    public float[] logMel(float[] samples16k) {
        if (samples16k.length == 0) {
            throw new AudioFormatException("cannot compute a log-mel of empty audio");
        }
        return mel.compute(samples16k);
    }

    @Override
    public int dim() {
        return mel.nMels();
    }

    @Override
    public double framesPerSecond() {
        return pairAverage ? 50.0 : 100.0;
    }

    /** Nothing to free; present for the interface. Idempotent. */
    @Override
    public void close() {
        // no resources
    }
}
