package dev.s2s.api.internal;

import java.io.IOException;
import java.io.InputStream;

import dev.s2s.api.AudioFormatException;

/**
 * Little-endian reads from a RIFF stream that turn an early end of input into an
 * {@link AudioFormatException} naming what was being read. It counts the bytes consumed and, when
 * the total length is known (a file), answers how many remain, so that chunk sizes can be checked
 * before anything is allocated or skipped. Skips advance in bounded steps and stop at the end of
 * input, so they never hang on a lying header.
 *
 * <p>Not thread-safe: one reader per stream.
 */
final class RiffInput {
    private static final int SKIP_STEP = 1 << 16;

    private final InputStream in;
    private final long length;
    private final byte[] scratch = new byte[8];
    private long position;

    /** @param length total input length in bytes, or -1 when unknown (a stream) */
    RiffInput(InputStream in, long length) {
        this.in = in;
        this.length = length;
    }

    /** Bytes consumed so far. */
    long position() {
        return position;
    }

    /** True when the total length is known. */
    boolean lengthKnown() {
        return length >= 0;
    }

    /** Bytes left when the length is known, else {@link Long#MAX_VALUE}. */
    long remaining() {
        return length >= 0 ? Math.max(0, length - position) : Long.MAX_VALUE;
    }

    /**
     * Reads up to {@code len} bytes, fewer only at the end of input.
     *
     * @return the count read (0 at the end of input)
     */
    int readUpTo(byte[] b, int off, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int got = in.read(b, off + n, len - n);
            if (got < 0) {
                break;
            }
            n += got;
        }
        position += n;
        return n;
    }

    /** Reads exactly {@code len} bytes or fails, naming {@code what}. */
    void readFully(byte[] b, int off, int len, String what) throws IOException {
        int n = readUpTo(b, off, len);
        if (n < len) {
            throw truncated(what);
        }
    }

    /**
     * Reads 4 bytes, or returns {@code false} when the input ends cleanly before the first of
     * them; an end after 1 to 3 bytes is a truncation.
     */
    boolean readTag(byte[] dst, String what) throws IOException {
        int n = readUpTo(dst, 0, 4);
        if (n == 0) {
            return false;
        }
        if (n < 4) {
            throw truncated(what);
        }
        return true;
    }

    /** An unsigned little-endian 16-bit value. */
    int u16(String what) throws IOException {
        readFully(scratch, 0, 2, what);
        return (scratch[0] & 0xFF) | (scratch[1] & 0xFF) << 8;
    }

    /** An unsigned little-endian 32-bit value. */
    long u32(String what) throws IOException {
        readFully(scratch, 0, 4, what);
        return u32(scratch, 0);
    }

    /** Skips exactly {@code n} bytes or fails, naming {@code what}. */
    void skip(long n, String what) throws IOException {
        if (n > remaining()) {
            throw new AudioFormatException("truncated WAV: " + what + " needs " + n + " bytes but only "
                    + remaining() + " remain after byte " + position);
        }
        long left = n;
        while (left > 0) {
            long step = in.skip(Math.min(left, SKIP_STEP));
            if (step <= 0) {
                // skip() may return 0 without being at the end; a read tells the two apart
                if (in.read() < 0) {
                    throw truncated(what);
                }
                step = 1;
            }
            left -= step;
            position += step;
        }
    }

    /**
     * Skips one pad byte after an odd-sized chunk. A missing pad at the very end of the input is
     * tolerated (many writers omit it); returns false then.
     */
    boolean skipPad() throws IOException {
        int b = in.read();
        if (b < 0) {
            return false;
        }
        position++;
        return true;
    }

    AudioFormatException truncated(String what) {
        return new AudioFormatException("truncated WAV: input ended after " + position + " bytes while reading " + what);
    }

    /** An unsigned little-endian 32-bit value from {@code b} at {@code off}. */
    static long u32(byte[] b, int off) {
        return (b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16 | (b[off + 3] & 0xFFL) << 24;
    }

    /** An unsigned little-endian 16-bit value from {@code b} at {@code off}. */
    static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }
}
