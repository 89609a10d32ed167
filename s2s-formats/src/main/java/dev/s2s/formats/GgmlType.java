package dev.s2s.formats;

/**
 * The ggml tensor element types a whisper.cpp {@code .bin} file may hold, with their block
 * geometry (elements per block and bytes per block), as ggml's {@code ggml_type} enum numbers
 * them. Quantized types are listed so that their byte sizes can be validated; only
 * {@link #F32} and {@link #F16} can be converted to floats by {@link GgmlModel}.
 *
 * <p>Immutable and thread-safe.
 */
public enum GgmlType {
    /** 32-bit IEEE float. */
    F32(0, 1, 4),
    /** 16-bit IEEE half float. */
    F16(1, 1, 2),
    /** 4-bit blocks of 32 with an f16 scale. */
    Q4_0(2, 32, 18),
    /** 4-bit blocks of 32 with an f16 scale and minimum. */
    Q4_1(3, 32, 20),
    /** 5-bit blocks of 32 with an f16 scale. */
    Q5_0(6, 32, 22),
    /** 5-bit blocks of 32 with an f16 scale and minimum. */
    Q5_1(7, 32, 24),
    /** 8-bit blocks of 32 with an f16 scale. */
    Q8_0(8, 32, 34),
    /** 2-bit K-quant super-blocks of 256. */
    Q2_K(10, 256, 84),
    /** 3-bit K-quant super-blocks of 256. */
    Q3_K(11, 256, 110),
    /** 4-bit K-quant super-blocks of 256. */
    Q4_K(12, 256, 144),
    /** 5-bit K-quant super-blocks of 256. */
    Q5_K(13, 256, 176),
    /** 6-bit K-quant super-blocks of 256. */
    Q6_K(14, 256, 210);

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The ggml type number stored in the file. */
    public int id() {
        return id;
    }

    /** Elements per block (1 for f32 and f16). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** True for {@link #F32} and {@link #F16}, the types that convert to floats. */
    public boolean isFloat() {
        return this == F32 || this == F16;
    }

    /**
     * Bytes that {@code elements} values of this type take, or -1 when the count is not a whole
     * number of blocks.
     */
    public long bytesFor(long elements) {
        if (elements % blockSize != 0) {
            return -1;
        }
        return elements / blockSize * blockBytes;
    }

    /** The type with ggml number {@code id}, or {@code null} when unknown. */
    public static GgmlType byId(int id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
