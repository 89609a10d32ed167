package dev.s2s.api;

/**
 * Sample encodings that {@link Wav} reads and writes.
 *
 * <p>Integer PCM maps full scale to [-1, 1): a sample {@code v} of {@code b} bits becomes
 * {@code v / 2^(b-1)} (8-bit WAV is unsigned, offset by 128). Writing rounds to the nearest step
 * and clips to the representable range, so PCM 8, 16 and 24-bit round trips are bit-exact.
 * Thread-safe: an immutable enum.
 */
public enum WavEncoding {
    /** Unsigned 8-bit PCM. */
    PCM_8(8, false),
    /** Signed 16-bit little-endian PCM: the default, and what speech models expect. */
    PCM_16(16, false),
    /** Signed 24-bit little-endian PCM. */
    PCM_24(24, false),
    /** Signed 32-bit little-endian PCM (floats keep only 24 bits of it on reading). */
    PCM_32(32, false),
    /** IEEE 754 32-bit float, little-endian. */
    FLOAT_32(32, true);

    private final int bits;
    private final boolean floating;

    WavEncoding(int bits, boolean floating) {
        this.bits = bits;
        this.floating = floating;
    }

    /** Bits per sample. */
    public int bitsPerSample() {
        return bits;
    }

    /** Bytes per sample. */
    public int bytesPerSample() {
        return bits / 8;
    }

    /** True for IEEE float, false for integer PCM. */
    public boolean isFloat() {
        return floating;
    }
}
