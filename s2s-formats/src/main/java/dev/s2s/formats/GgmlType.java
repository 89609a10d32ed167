package dev.s2s.formats;

import dev.s2s.api.ModelFormatException;

/**
 * The ggml tensor element types a GGUF file can name, with ggml's numeric ids and block layout
 * (elements per block and bytes per block). Ids that ggml retired (4, 5, 31–33, 36–38) are absent
 * and rejected as unknown. Whether {@link Dequantizer} can widen a type to float is
 * {@link #dequantizable()}.
 *
 * <p>Immutable and thread-safe.
 */
public enum GgmlType {
    /** 32-bit IEEE float. */
    F32(0, 1, 4),
    /** 16-bit IEEE half. */
    F16(1, 1, 2),
    /** 4-bit, blocks of 32 with an f16 scale. */
    Q4_0(2, 32, 18),
    /** 4-bit, blocks of 32 with an f16 scale and minimum. */
    Q4_1(3, 32, 20),
    /** 5-bit, blocks of 32 with an f16 scale. */
    Q5_0(6, 32, 22),
    /** 5-bit, blocks of 32 with an f16 scale and minimum. */
    Q5_1(7, 32, 24),
    /** 8-bit, blocks of 32 with an f16 scale. */
    Q8_0(8, 32, 34),
    /** 8-bit, blocks of 32 with an f16 scale and sum (an intermediate type). */
    Q8_1(9, 32, 36),
    /** 2-bit k-quant, super-blocks of 256. */
    Q2_K(10, 256, 84),
    /** 3-bit k-quant, super-blocks of 256. */
    Q3_K(11, 256, 110),
    /** 4-bit k-quant, super-blocks of 256. */
    Q4_K(12, 256, 144),
    /** 5-bit k-quant, super-blocks of 256. */
    Q5_K(13, 256, 176),
    /** 6-bit k-quant, super-blocks of 256. */
    Q6_K(14, 256, 210),
    /** 8-bit k-quant with an f32 scale, super-blocks of 256. */
    Q8_K(15, 256, 292),
    /** i-quant. */
    IQ2_XXS(16, 256, 66),
    /** i-quant. */
    IQ2_XS(17, 256, 74),
    /** i-quant. */
    IQ3_XXS(18, 256, 98),
    /** i-quant. */
    IQ1_S(19, 256, 50),
    /** i-quant, blocks of 32. */
    IQ4_NL(20, 32, 18),
    /** i-quant. */
    IQ3_S(21, 256, 110),
    /** i-quant. */
    IQ2_S(22, 256, 82),
    /** i-quant. */
    IQ4_XS(23, 256, 136),
    /** 8-bit integer. */
    I8(24, 1, 1),
    /** 16-bit integer. */
    I16(25, 1, 2),
    /** 32-bit integer. */
    I32(26, 1, 4),
    /** 64-bit integer. */
    I64(27, 1, 8),
    /** 64-bit IEEE double. */
    F64(28, 1, 8),
    /** i-quant. */
    IQ1_M(29, 256, 56),
    /** bfloat16. */
    BF16(30, 1, 2),
    /** ternary quant. */
    TQ1_0(34, 256, 54),
    /** ternary quant. */
    TQ2_0(35, 256, 66),
    /** MX FP4, blocks of 32. */
    MXFP4(39, 32, 17);

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    /** ggml's numeric id of this type. */
    public int id() {
        return id;
    }

    /** Elements per block (1 for plain types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    /** True for {@link #F32} and {@link #F16}, the element types of whisper.cpp's float tensors. */
    public boolean isFloat() {
        return this == F32 || this == F16;
    }

    /** True when {@link Dequantizer} can widen this type to float. */
    public boolean dequantizable() {
        return switch (this) {
            case F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K, Q8_K -> true;
            default -> false;
        };
    }

    /**
     * Bytes taken by {@code elements} values of this type.
     *
     * @throws ModelFormatException when {@code elements} is not a whole number of blocks
     */
    public long byteSize(long elements) {
        if (elements < 0 || elements % blockSize != 0) {
            throw new ModelFormatException(elements + " elements are not a whole number of " + this + " blocks of "
                    + blockSize);
        }
        return Math.multiplyExact(elements / blockSize, (long) typeSize);
    }

    /**
     * The type with ggml id {@code id}.
     *
     * @throws ModelFormatException for an id ggml does not (or no longer) define
     */
    public static GgmlType fromId(long id) {
        GgmlType t = id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
        if (t == null) {
            throw new ModelFormatException("unknown ggml tensor type id " + id);
        }
        return t;
    }
}
