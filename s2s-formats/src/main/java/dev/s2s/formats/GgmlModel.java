package dev.s2s.formats;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.s2s.api.ModelFormatException;

/**
 * A whisper.cpp ggml {@code .bin} model file (the legacy {@code ggml} container), memory-mapped
 * and validated completely on {@link #open}.
 *
 * <p>Layout, all little-endian: the magic {@code 0x67676d6c}; eleven int32 hyper-parameters
 * ({@link GgmlHParams}); the mel filter bank ({@code int32 n_mel, int32 n_fft}, then
 * {@code n_mel × n_fft} float32, row = mel band); the vocabulary ({@code int32 count}, then per
 * token an int32 byte length and the raw bytes); then tensor records back to back until the end
 * of the file, each {@code int32 n_dims, int32 name_len, int32 ttype, n_dims × int32 ne, name,
 * data}. Files with no tensors at all (whisper.cpp's weightless test models) are valid.
 *
 * <p>Every count, length and offset is checked against the file size and sane limits, so a
 * truncated or foreign file raises {@link ModelFormatException} with the reason. Silero VAD files
 * in the same container (whose header names {@code silero-16k}), GGUF files and the other legacy
 * ggml containers are recognised and named in the message.
 *
 * <p>Thread-safe for reads; {@link #close()} must not race with them.
 */
public final class GgmlModel implements AutoCloseable {

    /** The magic number, read as a little-endian int32. */
    public static final int MAGIC = 0x67676d6c;

    private static final int MAGIC_GGUF = 0x46554747; // "GGUF"
    private static final int MAGIC_GGJT = 0x67676a74;
    private static final int MAGIC_GGMF = 0x67676d66;
    private static final int MAX_DIMS = 4;
    private static final int MAX_NAME = 4096;
    private static final int MAX_TOKEN_BYTES = 1 << 16;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MappedFile file;
    private final GgmlHParams hparams;
    private final int melBands;
    private final int fftBins;
    private final long filtersOffset;
    private final long[] tokenOffsets;
    private final int[] tokenLengths;
    private final Map<String, GgmlTensor> tensors;

    private GgmlModel(MappedFile file) {
        this.file = file;
        long size = file.size();
        if (size < 4) {
            throw file.fail(0, "file too short for a ggml header (" + size + " bytes)");
        }
        int magic = file.i32(0, "magic");
        checkMagic(magic);
        if (size < 48) {
            throw file.fail(4, "truncated: the 11 hyper-parameters need 44 bytes after the magic, the file has "
                    + (size - 4));
        }
        detectForeignKind();
        int[] h = new int[11];
        for (int i = 0; i < 11; i++) {
            h[i] = file.i32(4 + 4L * i, "hyper-parameter " + i);
        }
        hparams = new GgmlHParams(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10]);
        validate(hparams);

        long pos = 48;
        melBands = file.i32(pos, "mel filter n_mel");
        fftBins = file.i32(pos + 4, "mel filter n_fft");
        if (melBands != hparams.nMels()) {
            throw file.fail(pos, "mel filter bank has " + melBands + " bands but the header says n_mels = "
                    + hparams.nMels());
        }
        if (fftBins != 201) {
            throw file.fail(pos + 4, "mel filter bank has " + fftBins
                    + " frequency bins; Whisper's 400-point FFT needs 201");
        }
        filtersOffset = pos + 8;
        long filterBytes = 4L * melBands * fftBins;
        file.check(filtersOffset, filterBytes, "mel filter bank");
        pos = filtersOffset + filterBytes;

        int nTokens = file.i32(pos, "vocabulary size");
        if (nTokens < 0 || nTokens > hparams.nVocab()) {
            throw file.fail(pos, "vocabulary holds " + nTokens + " tokens, outside [0, n_vocab = "
                    + hparams.nVocab() + "]");
        }
        pos += 4;
        tokenOffsets = new long[nTokens];
        tokenLengths = new int[nTokens];
        for (int i = 0; i < nTokens; i++) {
            int len = file.i32(pos, "length of token " + i);
            if (len < 0 || len > MAX_TOKEN_BYTES) {
                throw file.fail(pos, "token " + i + " has an invalid byte length " + len);
            }
            file.check(pos + 4, len, "token " + i);
            tokenOffsets[i] = pos + 4;
            tokenLengths[i] = len;
            pos += 4L + len;
        }

        Map<String, GgmlTensor> map = new LinkedHashMap<>();
        while (pos < size) {
            GgmlTensor t = readTensor(pos, size);
            if (map.putIfAbsent(t.name(), t) != null) {
                throw file.fail(pos, "tensor '" + t.name() + "' appears twice");
            }
            pos = t.dataOffset() + t.byteSize();
        }
        tensors = Collections.unmodifiableMap(map);
    }

    /**
     * Maps and validates a whisper.cpp ggml model.
     *
     * @throws ModelFormatException when the file is missing, truncated, not a Whisper ggml model
     *                              or inconsistent
     */
    public static GgmlModel open(Path path) {
        MappedFile f = MappedFile.open(path);
        try {
            return new GgmlModel(f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private void checkMagic(int magic) {
        if (magic == MAGIC) {
            return;
        }
        String kind = switch (magic) {
            case MAGIC_GGUF -> "a GGUF file (llama.cpp format), not a whisper.cpp ggml .bin model";
            case MAGIC_GGJT, MAGIC_GGMF -> "a legacy llama.cpp ggjt/ggmf file, not a whisper.cpp ggml .bin model";
            default -> String.format("wrong magic 0x%08x, expected 0x%08x ('ggml'): not a whisper.cpp model", magic, MAGIC);
        };
        throw file.fail(0, kind);
    }

    /** Recognises ggml files whose header starts with a kind string instead of the hyper-parameters. */
    private void detectForeignKind() {
        int len = file.i32(4, "header");
        if (len < 1 || len > 64 || 8L + len > file.size()) {
            return;
        }
        byte[] b = file.bytes(8, len, "header string");
        for (byte c : b) {
            if (c < 0x20 || c > 0x7e) {
                return;
            }
        }
        String kind = new String(b, StandardCharsets.US_ASCII);
        if (kind.toLowerCase(java.util.Locale.ROOT).startsWith("silero")) {
            throw file.fail(4, "this is a Silero VAD model ('" + kind + "'), not a Whisper speech recognition model");
        }
        if (kind.length() >= 3 && kind.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '-' || ch == '_' || ch == '.')) {
            throw file.fail(4, "this is a ggml '" + kind + "' model, not a Whisper model");
        }
    }

    private void validate(GgmlHParams p) {
        check(p.nVocab(), 1, 1 << 20, "n_vocab");
        check(p.nAudioCtx(), 1, 1 << 16, "n_audio_ctx");
        check(p.nAudioState(), 1, 1 << 14, "n_audio_state");
        check(p.nAudioHead(), 1, 1024, "n_audio_head");
        check(p.nAudioLayer(), 1, 256, "n_audio_layer");
        check(p.nTextCtx(), 1, 1 << 16, "n_text_ctx");
        check(p.nTextState(), 1, 1 << 14, "n_text_state");
        check(p.nTextHead(), 1, 1024, "n_text_head");
        check(p.nTextLayer(), 1, 256, "n_text_layer");
        check(p.nMels(), 1, 512, "n_mels");
        if (p.nAudioState() % p.nAudioHead() != 0) {
            throw file.fail(12, "n_audio_state " + p.nAudioState() + " is not a multiple of n_audio_head " + p.nAudioHead());
        }
        if (p.nTextState() % p.nTextHead() != 0) {
            throw file.fail(28, "n_text_state " + p.nTextState() + " is not a multiple of n_text_head " + p.nTextHead());
        }
        if (p.ftype() < 0) {
            throw file.fail(44, "negative ftype " + p.ftype());
        }
        int base = p.baseFtype();
        boolean known = base == 0 || base == 1 || base == 2 || base == 3 || (base >= 7 && base <= 14);
        if (!known) {
            throw file.fail(44, "unsupported ftype " + p.ftype() + " (weight type code " + base + ")");
        }
    }

    private void check(int v, int min, int max, String what) {
        if (v < min || v > max) {
            throw file.fail(4, "hyper-parameter " + what + " = " + v + " is outside [" + min + ", " + max
                    + "]: not a Whisper ggml model");
        }
    }

    private GgmlTensor readTensor(long pos, long size) {
        if (size - pos < 12) {
            throw file.fail(pos, "truncated tensor record header (" + (size - pos) + " trailing bytes)");
        }
        int nDims = file.i32(pos, "tensor n_dims");
        int nameLen = file.i32(pos + 4, "tensor name length");
        int ttype = file.i32(pos + 8, "tensor type");
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw file.fail(pos, "tensor record has n_dims = " + nDims + ", outside [1, " + MAX_DIMS + "]");
        }
        if (nameLen < 1 || nameLen > MAX_NAME) {
            throw file.fail(pos + 4, "tensor record has an invalid name length " + nameLen);
        }
        GgmlType type = GgmlType.byId(ttype);
        if (type == null) {
            throw file.fail(pos + 8, "tensor record has an unknown ggml type " + ttype);
        }
        long p = pos + 12;
        long[] ne = new long[nDims];
        long elements = 1;
        for (int i = 0; i < nDims; i++) {
            int d = file.i32(p, "tensor dimension " + i);
            if (d < 1) {
                throw file.fail(p, "tensor dimension " + i + " is " + d);
            }
            ne[i] = d;
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                throw file.fail(p, "tensor element count overflows");
            }
            p += 4;
        }
        String name = file.utf8(p, nameLen, "tensor name");
        p += nameLen;
        if (ne[0] % type.blockSize() != 0) {
            throw file.fail(pos, "tensor '" + name + "' of type " + type + " has ne[0] = " + ne[0]
                    + ", not a multiple of the block size " + type.blockSize());
        }
        long bytes = type.bytesFor(elements);
        if (bytes < 0 || bytes > size - p) {
            throw file.fail(p, "tensor '" + name + "' (" + type + ", " + elements + " elements, " + bytes
                    + " bytes) runs past the end of the file (" + size + " bytes): the file is truncated");
        }
        return new GgmlTensor(name, ne, type, pos, p, bytes);
    }

    /** The file. */
    public Path path() {
        return file.path();
    }

    /** File size in bytes. */
    public long fileSize() {
        return file.size();
    }

    /** The hyper-parameters. */
    public GgmlHParams hparams() {
        return hparams;
    }

    /** Mel bands of the stored filter bank. */
    public int melBands() {
        return melBands;
    }

    /** FFT bins of the stored filter bank (201). */
    public int fftBins() {
        return fftBins;
    }

    /** The mel filter bank, {@code melBands × fftBins}, row-major (row = mel band). */
    public float[] melFilters() {
        float[] out = new float[melBands * fftBins];
        MemorySegment.copy(file.segment(), F32, filtersOffset, out, 0, out.length);
        return out;
    }

    /** Number of tokens stored in the vocabulary (may be less than {@code n_vocab}). */
    public int vocabSize() {
        return tokenOffsets.length;
    }

    /** The raw bytes of token {@code id} (GPT-2 byte-level BPE text). */
    public byte[] token(int id) {
        if (id < 0 || id >= tokenOffsets.length) {
            throw new IndexOutOfBoundsException("token " + id + " of " + tokenOffsets.length);
        }
        return file.bytes(tokenOffsets[id], tokenLengths[id], "token " + id);
    }

    /** All tensors, in file order. */
    public List<GgmlTensor> tensors() {
        return List.copyOf(tensors.values());
    }

    /** True when the file holds no tensors (whisper.cpp's weightless test models). */
    public boolean isWeightless() {
        return tensors.isEmpty();
    }

    /** The tensor called {@code name}, if present. */
    public Optional<GgmlTensor> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The tensor called {@code name}; {@link ModelFormatException} when it is missing. */
    public GgmlTensor require(String name) {
        GgmlTensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException(file.path().getFileName() + ": missing tensor '" + name + "'");
        }
        return t;
    }

    /**
     * The tensor called {@code name} as floats, checked to have exactly the ggml dimensions
     * {@code ne} (innermost first; trailing 1s may be omitted on either side).
     */
    public float[] floats(String name, long... ne) {
        GgmlTensor t = require(name);
        int dims = Math.max(ne.length, t.nDims());
        for (int i = 0; i < dims; i++) {
            long want = i < ne.length ? ne[i] : 1;
            if (t.ne(i) != want) {
                throw new ModelFormatException(file.path().getFileName() + ": tensor '" + name + "' has ne "
                        + java.util.Arrays.toString(t.ne()) + ", expected " + java.util.Arrays.toString(ne));
            }
        }
        return floats(t);
    }

    /** The data of an f32 or f16 tensor as floats (f16 widened exactly), row-major in PyTorch order. */
    public float[] floats(GgmlTensor t) {
        if (!t.type().isFloat()) {
            throw new ModelFormatException(file.path().getFileName() + ": tensor '" + t.name() + "' is " + t.type()
                    + "; only f32 and f16 tensors can be read as floats");
        }
        long n = t.elements();
        if (n > Integer.MAX_VALUE - 16) {
            throw new ModelFormatException(file.path().getFileName() + ": tensor '" + t.name() + "' has " + n
                    + " elements, too many for one Java array");
        }
        file.check(t.dataOffset(), t.byteSize(), "tensor '" + t.name() + "'");
        float[] out = new float[(int) n];
        if (t.type() == GgmlType.F32) {
            MemorySegment.copy(file.segment(), F32, t.dataOffset(), out, 0, out.length);
        } else {
            short[] h = new short[(int) n];
            MemorySegment.copy(file.segment(), I16, t.dataOffset(), h, 0, h.length);
            for (int i = 0; i < h.length; i++) {
                out[i] = Float.float16ToFloat(h[i]);
            }
        }
        return out;
    }

    /** Unmaps the file. Idempotent. */
    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "GgmlModel[" + file.path().getFileName() + ", " + hparams + ", " + tensors.size() + " tensors]";
    }

    /** Names of the tensors, in file order (for messages and tests). */
    public List<String> tensorNames() {
        return new ArrayList<>(tensors.keySet());
    }
}
