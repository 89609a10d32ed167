package dev.s2s.api.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import dev.s2s.api.AudioClip;
import dev.s2s.api.AudioFormatException;

/**
 * Decodes a RIFF/WAVE stream chunk by chunk. Not API: use {@link dev.s2s.api.Wav}.
 *
 * <p>It never trusts a size from the header: chunk sizes are checked against the bytes actually
 * left when the length is known, skipping is bounded by {@value #MAX_SKIPPED} bytes of metadata and
 * {@value #MAX_CHUNKS} chunks, and sample storage grows with the data actually read, so a lying
 * header ends in an {@link AudioFormatException}, never a hang or an {@link OutOfMemoryError}.
 * Reading stops at the end of the {@code data} chunk; later chunks are not consumed.
 *
 * <p>Thread-safe: stateless.
 */
public final class WavReader {
    /** Most metadata bytes skipped before the data chunk. */
    static final long MAX_SKIPPED = 64L << 20;
    /** Most chunks before the data chunk. */
    static final int MAX_CHUNKS = 10_000;
    /** Largest sample count an {@link AudioClip} can hold. */
    static final long MAX_SAMPLES = Integer.MAX_VALUE - 8;
    /** Bytes decoded per block. */
    private static final int BLOCK = 1 << 16;
    /** The data size streaming writers put when they do not know the length. */
    private static final long UNKNOWN_SIZE = 0xFFFFFFFFL;

    private WavReader() {
    }

    /**
     * Reads one WAV file from {@code in}.
     *
     * @param length the total input length when known (a file or byte array), else -1
     * @throws AudioFormatException when the input is not a WAV file this reader supports, or is
     *                              malformed, truncated or absurd
     * @throws IOException          when {@code in} fails
     */
    public static AudioClip read(InputStream in, long length) throws IOException {
        RiffInput r = new RiffInput(in, length);
        byte[] tag = new byte[4];
        if (!r.readTag(tag, "the RIFF header")) {
            throw new AudioFormatException("not a WAV file: the input is empty");
        }
        String riff = ascii(tag);
        switch (riff) {
            case "RIFF" -> { }
            case "RIFX" -> throw new AudioFormatException("unsupported WAV: big-endian RIFX files are not supported");
            case "RF64" -> throw new AudioFormatException("unsupported WAV: RF64 (64-bit WAV) files are not supported");
            default -> throw new AudioFormatException("not a WAV file: it starts with " + describe(tag)
                    + " instead of \"RIFF\"");
        }
        r.u32("the RIFF size"); // often wrong (streaming writers put 0 or 0xFFFFFFFF); chunk sizes are checked instead
        r.readFully(tag, 0, 4, "the RIFF form type");
        if (!"WAVE".equals(ascii(tag))) {
            throw new AudioFormatException("not a WAV file: the RIFF form type is " + describe(tag) + " instead of \"WAVE\"");
        }
        WavFormat format = null;
        long skipped = 0;
        for (int chunks = 0; ; chunks++) {
            if (chunks >= MAX_CHUNKS) {
                throw new AudioFormatException("malformed WAV: more than " + MAX_CHUNKS + " chunks before the data chunk");
            }
            if (!r.readTag(tag, "a chunk header")) {
                throw new AudioFormatException(format == null
                        ? "malformed WAV: no fmt chunk (the input ended after " + r.position() + " bytes)"
                        : "malformed WAV: no data chunk (the input ended after " + r.position() + " bytes)");
            }
            String id = ascii(tag);
            long size = r.u32("the size of chunk " + describe(tag));
            if ("fmt ".equals(id) && format == null) {
                format = readFormat(r, size);
            } else if ("data".equals(id)) {
                if (format == null) {
                    throw new AudioFormatException("malformed WAV: the data chunk comes before the fmt chunk");
                }
                return readData(r, format, size);
            } else {
                if (size > r.remaining()) {
                    throw new AudioFormatException("truncated WAV: chunk " + describe(tag) + " needs " + size
                            + " bytes but only " + r.remaining() + " remain");
                }
                skipped += size + (size & 1);
                if (skipped > MAX_SKIPPED) {
                    throw new AudioFormatException("malformed WAV: more than " + MAX_SKIPPED + " bytes of chunks ("
                            + describe(tag) + " of " + size + " bytes) before the data chunk");
                }
                r.skip(size, "chunk " + describe(tag));
                if ((size & 1) != 0 && !r.skipPad()) {
                    throw new AudioFormatException("malformed WAV: no data chunk (the input ended after "
                            + r.position() + " bytes)");
                }
            }
        }
    }

    private static WavFormat readFormat(RiffInput r, long size) throws IOException {
        if (size > r.remaining()) {
            throw new AudioFormatException("truncated WAV: fmt chunk declares " + size + " bytes but only "
                    + r.remaining() + " remain");
        }
        int keep = (int) Math.min(size, WavFormat.EXTENSIBLE_SIZE);
        byte[] b = new byte[WavFormat.EXTENSIBLE_SIZE];
        r.readFully(b, 0, keep, "the fmt chunk");
        WavFormat format = WavFormat.parse(b, keep, size);
        r.skip(size - keep, "the fmt chunk");
        if ((size & 1) != 0) {
            r.skipPad();
        }
        return format;
    }

    private static AudioClip readData(RiffInput r, WavFormat format, long size) throws IOException {
        if (size == UNKNOWN_SIZE) {
            throw new AudioFormatException("unsupported WAV: data chunk size 0xFFFFFFFF marks a streamed WAV of unknown"
                    + " length; rewrite it with its real size (e.g. ffmpeg -i in.wav out.wav)");
        }
        if (size > r.remaining()) {
            throw new AudioFormatException("truncated WAV: data chunk declares " + size + " bytes but only "
                    + r.remaining() + " remain in the input");
        }
        int blockAlign = format.blockAlign();
        long frames = size / blockAlign;
        long total = frames * format.channels();
        if (total > MAX_SAMPLES) {
            throw new AudioFormatException("WAV too large: " + total + " samples do not fit in an AudioClip (at most "
                    + MAX_SAMPLES + ")");
        }
        // Grow with the data actually read, so a lying size in a short stream cannot exhaust memory.
        int capacity = r.lengthKnown() ? (int) total : (int) Math.min(total, BLOCK);
        float[] samples = new float[capacity];
        int bytesPerSample = format.encoding().bytesPerSample();
        int blockBytes = Math.max(blockAlign, BLOCK / blockAlign * blockAlign);
        byte[] buf = new byte[(int) Math.min(blockBytes, frames * blockAlign)];
        long bytesLeft = frames * blockAlign;
        int count = 0;
        while (bytesLeft > 0) {
            int want = (int) Math.min(buf.length, bytesLeft);
            int got = r.readUpTo(buf, 0, want);
            if (got < want) {
                throw new AudioFormatException("truncated WAV: data chunk declares " + size + " bytes but the input ended after "
                        + (size - bytesLeft + got) + " of them");
            }
            int n = got / bytesPerSample;
            if (count + n > samples.length) {
                samples = Arrays.copyOf(samples, (int) Math.min(total, Math.max((long) count + n, 2L * samples.length)));
            }
            decode(buf, n, format, samples, count);
            count += n;
            bytesLeft -= got;
        }
        long rest = size - frames * blockAlign; // a partial last frame, dropped
        r.skip(rest, "the partial last frame");
        return new AudioClip(samples, format.sampleRate(), format.channels());
    }

    private static void decode(byte[] b, int n, WavFormat format, float[] dst, int at) {
        switch (format.encoding()) {
            case PCM_8 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = ((b[i] & 0xFF) - 128) / 128f;
                }
            }
            case PCM_16 -> {
                for (int i = 0; i < n; i++) {
                    int j = 2 * i;
                    dst[at + i] = (short) ((b[j] & 0xFF) | b[j + 1] << 8) / 32768f;
                }
            }
            case PCM_24 -> {
                for (int i = 0; i < n; i++) {
                    int j = 3 * i;
                    dst[at + i] = ((b[j] & 0xFF) | (b[j + 1] & 0xFF) << 8 | b[j + 2] << 16) / 8388608f;
                }
            }
            case PCM_32 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = (float) ((int) RiffInput.u32(b, 4 * i) / 2147483648.0);
                }
            }
            case FLOAT_32 -> {
                for (int i = 0; i < n; i++) {
                    float v = Float.intBitsToFloat((int) RiffInput.u32(b, 4 * i));
                    if (!Float.isFinite(v)) {
                        throw new AudioFormatException("malformed WAV: float sample " + (at + i) + " is " + v);
                    }
                    dst[at + i] = v;
                }
            }
        }
    }

    private static String ascii(byte[] tag) {
        return new String(tag, 0, 4, StandardCharsets.ISO_8859_1);
    }

    private static String describe(byte[] tag) {
        for (int i = 0; i < 4; i++) {
            if (tag[i] < 0x20 || tag[i] > 0x7E) {
                return "bytes 0x" + HexFormat.of().formatHex(tag, 0, 4);
            }
        }
        return "\"" + ascii(tag) + "\"";
    }
}
