package dev.s2s.api.internal;

import java.io.IOException;
import java.io.OutputStream;

import dev.s2s.api.AudioClip;
import dev.s2s.api.AudioFormatException;
import dev.s2s.api.WavEncoding;

/**
 * Encodes a clip as a RIFF/WAVE stream. Not API: use {@link dev.s2s.api.Wav}.
 *
 * <p>Mono and stereo use the plain {@code fmt } header (format tag 1 for PCM, 3 for float); more
 * channels use {@code WAVE_FORMAT_EXTENSIBLE} with the standard speaker mask, as Microsoft
 * requires. Float files carry the {@code fact} chunk. Samples are encoded block by block, so the
 * whole file is never held in memory.
 *
 * <p>Thread-safe: stateless.
 */
public final class WavWriter {
    private static final int BLOCK = 1 << 16;
    /** Speaker masks for 1..18 channels: the first n speaker positions. */
    private static final int MAX_MASKED_CHANNELS = 18;

    private WavWriter() {
    }

    /**
     * The size in bytes of the WAV file {@link #write} makes.
     *
     * @throws AudioFormatException when it would exceed the 4 GiB limit of the format
     */
    public static long fileSize(AudioClip clip, WavEncoding encoding) {
        return 8 + riffSize(clip, encoding);
    }

    private static long riffSize(AudioClip clip, WavEncoding encoding) {
        long data = (long) clip.length() * encoding.bytesPerSample();
        boolean extensible = clip.channels() > 2;
        long fmt = extensible ? WavFormat.EXTENSIBLE_SIZE : encoding.isFloat() ? 18 : 16;
        long fact = encoding.isFloat() ? 12 : 0;
        long size = 4 + 8 + fmt + fact + 8 + data + (data & 1);
        if (size > 0xFFFFFFFFL) {
            throw new AudioFormatException("audio too large for WAV: " + data + " bytes of samples exceed the format's 4 GiB limit");
        }
        return size;
    }

    /**
     * Writes {@code clip} to {@code out} (not closed, but flushed).
     *
     * @throws AudioFormatException when a sample is NaN or infinite, or the file would exceed 4 GiB
     * @throws IOException          when {@code out} fails
     */
    public static void write(AudioClip clip, WavEncoding encoding, OutputStream out) throws IOException {
        long riffSize = riffSize(clip, encoding);
        float[] samples = clip.samples();
        for (int i = 0; i < samples.length; i++) {
            if (!Float.isFinite(samples[i])) {
                throw new AudioFormatException("cannot write sample " + i + " to WAV: it is " + samples[i]);
            }
        }
        int channels = clip.channels();
        int bytes = encoding.bytesPerSample();
        boolean extensible = channels > 2;
        int code = encoding.isFloat() ? WavFormat.TAG_FLOAT : WavFormat.TAG_PCM;
        long data = (long) samples.length * bytes;
        int blockAlign = channels * bytes;
        if (blockAlign > 0xFFFF) {
            throw new AudioFormatException("cannot write " + channels + " channels of " + bytes
                    + "-byte samples to WAV: the block align would exceed 65535");
        }
        long byteRate = (long) clip.sampleRate() * blockAlign;
        if (byteRate > 0xFFFFFFFFL) {
            throw new AudioFormatException("cannot write " + clip.sampleRate() + " Hz audio with " + blockAlign
                    + "-byte frames to WAV: the byte rate would exceed 4 GiB/s");
        }

        Le h = new Le(new byte[80]);
        h.ascii("RIFF").u32(riffSize).ascii("WAVE");
        h.ascii("fmt ").u32(extensible ? WavFormat.EXTENSIBLE_SIZE : encoding.isFloat() ? 18 : 16);
        h.u16(extensible ? WavFormat.TAG_EXTENSIBLE : code).u16(channels).u32(clip.sampleRate())
                .u32(byteRate).u16(blockAlign).u16(encoding.bitsPerSample());
        if (extensible) {
            int mask = channels <= MAX_MASKED_CHANNELS ? (1 << channels) - 1 : 0;
            h.u16(22).u16(encoding.bitsPerSample()).u32(mask & 0xFFFFFFFFL)
                    .u16(code).u16(0).u16(0).u16(0x10).u8(0x80).u8(0).u8(0).u8(0xAA).u8(0).u8(0x38).u8(0x9B).u8(0x71);
        } else if (encoding.isFloat()) {
            h.u16(0);
        }
        if (encoding.isFloat()) {
            h.ascii("fact").u32(4).u32(clip.frames());
        }
        h.ascii("data").u32(data);
        out.write(h.b, 0, h.pos);

        int perBlock = BLOCK / bytes;
        byte[] buf = new byte[(int) Math.min((long) perBlock * bytes, Math.max(data, 1))];
        for (int start = 0; start < samples.length; start += perBlock) {
            int n = Math.min(perBlock, samples.length - start);
            encode(samples, start, n, encoding, buf);
            out.write(buf, 0, n * bytes);
        }
        if ((data & 1) != 0) {
            out.write(0);
        }
        out.flush();
    }

    private static void encode(float[] s, int from, int n, WavEncoding encoding, byte[] b) {
        switch (encoding) {
            case PCM_8 -> {
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) (clip(Math.round(s[from + i] * 128f), 8) + 128);
                }
            }
            case PCM_16 -> {
                for (int i = 0; i < n; i++) {
                    int v = clip(Math.round(s[from + i] * 32768f), 16);
                    b[2 * i] = (byte) v;
                    b[2 * i + 1] = (byte) (v >> 8);
                }
            }
            case PCM_24 -> {
                for (int i = 0; i < n; i++) {
                    int v = clip(Math.round(s[from + i] * 8388608f), 24);
                    b[3 * i] = (byte) v;
                    b[3 * i + 1] = (byte) (v >> 8);
                    b[3 * i + 2] = (byte) (v >> 16);
                }
            }
            case PCM_32 -> {
                for (int i = 0; i < n; i++) {
                    long r = Math.round(s[from + i] * 2147483648.0);
                    int v = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, r));
                    putInt(b, 4 * i, v);
                }
            }
            case FLOAT_32 -> {
                for (int i = 0; i < n; i++) {
                    putInt(b, 4 * i, Float.floatToRawIntBits(s[from + i]));
                }
            }
        }
    }

    /** Clips {@code v} to the signed range of {@code bits} bits. */
    private static int clip(int v, int bits) {
        int max = (1 << (bits - 1)) - 1;
        return Math.max(-max - 1, Math.min(max, v));
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
        b[at + 2] = (byte) (v >> 16);
        b[at + 3] = (byte) (v >> 24);
    }

    /** A little-endian header builder. */
    private static final class Le {
        final byte[] b;
        int pos;

        Le(byte[] b) {
            this.b = b;
        }

        Le u8(int v) {
            b[pos++] = (byte) v;
            return this;
        }

        Le u16(int v) {
            return u8(v).u8(v >> 8);
        }

        Le u32(long v) {
            return u16((int) v & 0xFFFF).u16((int) (v >>> 16) & 0xFFFF);
        }

        Le ascii(String s) {
            for (int i = 0; i < 4; i++) {
                u8(s.charAt(i));
            }
            return this;
        }
    }
}
