package dev.s2s.formats;

/**
 * The eleven hyper-parameters at the start of a whisper.cpp ggml {@code .bin} model, in file
 * order. {@code ftype} is stored as in the file; {@link #baseFtype()} strips the quantization
 * version ({@code ftype % 1000}), as whisper.cpp does. Immutable and thread-safe.
 *
 * @param nVocab       vocabulary size (51864 for English-only, 51865+ for multilingual models)
 * @param nAudioCtx    encoder positions (1500)
 * @param nAudioState  encoder width
 * @param nAudioHead   encoder attention heads
 * @param nAudioLayer  encoder blocks
 * @param nTextCtx     decoder positions
 * @param nTextState   decoder width
 * @param nTextHead    decoder attention heads
 * @param nTextLayer   decoder blocks
 * @param nMels        mel bands (80, or 128 for large-v3)
 * @param ftype        weight type code, possibly with a quantization version times 1000
 */
public record GgmlHParams(int nVocab, int nAudioCtx, int nAudioState, int nAudioHead, int nAudioLayer,
        int nTextCtx, int nTextState, int nTextHead, int nTextLayer, int nMels, int ftype) {

    /** The factor whisper.cpp uses to store the quantization version inside {@code ftype}. */
    public static final int QNT_VERSION_FACTOR = 1000;

    /** {@code ftype} without the quantization version: 0 = all f32, 1 = mostly f16, 2+ = quantized. */
    public int baseFtype() {
        return ftype % QNT_VERSION_FACTOR;
    }

    /** True when the vocabulary is the multilingual one (whisper.cpp's rule: n_vocab >= 51865). */
    public boolean multilingual() {
        return nVocab >= 51865;
    }

    /** Width of one encoder attention head. */
    public int audioHeadDim() {
        return nAudioState / nAudioHead;
    }
}
