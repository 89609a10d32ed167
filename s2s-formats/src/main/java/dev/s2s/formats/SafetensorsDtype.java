package dev.s2s.formats;

/**
 * The element types of the safetensors format, with their sizes. {@link SafetensorsFile} widens
 * {@link #F32}, {@link #F16} and {@link #BF16} to float; the others are listed so that files
 * holding them still open (their tensors just cannot be read as floats).
 */
public enum SafetensorsDtype {
    /** IEEE double. */
    F64(8),
    /** IEEE float. */
    F32(4),
    /** IEEE half. */
    F16(2),
    /** bfloat16: the top 16 bits of a float. */
    BF16(2),
    /** 64-bit signed integer. */
    I64(8),
    /** 32-bit signed integer. */
    I32(4),
    /** 16-bit signed integer. */
    I16(2),
    /** 8-bit signed integer. */
    I8(1),
    /** 64-bit unsigned integer. */
    U64(8),
    /** 32-bit unsigned integer. */
    U32(4),
    /** 16-bit unsigned integer. */
    U16(2),
    /** 8-bit unsigned integer. */
    U8(1),
    /** Boolean, one byte. */
    BOOL(1),
    /** 8-bit float, 4 exponent bits. */
    F8_E4M3(1),
    /** 8-bit float, 5 exponent bits. */
    F8_E5M2(1);

    private final int bytes;

    SafetensorsDtype(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** True for the types {@link SafetensorsFile#floats} can widen. */
    public boolean isFloat() {
        return this == F32 || this == F16 || this == BF16;
    }
}
