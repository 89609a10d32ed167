package dev.s2s.api.internal;

import java.util.Locale;

import dev.s2s.api.AudioFormatException;
import dev.s2s.api.WavEncoding;

/**
 * A validated WAV {@code fmt } chunk: the encoding, channel count and sample rate. Not API.
 * Thread-safe: immutable.
 *
 * @param encoding   the sample encoding
 * @param channels   channel count, 1 to 65535
 * @param sampleRate frames per second, 1 to {@value #MAX_SAMPLE_RATE}
 * @param extensible whether the header used {@code WAVE_FORMAT_EXTENSIBLE}
 */
record WavFormat(WavEncoding encoding, int channels, int sampleRate, boolean extensible) {

    static final int TAG_PCM = 0x0001;
    static final int TAG_FLOAT = 0x0003;
    static final int TAG_EXTENSIBLE = 0xFFFE;
    /** Highest sample rate accepted; anything above is taken for a corrupt header. */
    static final int MAX_SAMPLE_RATE = 10_000_000;
    /** Bytes of {@code fmt } that matter: WAVEFORMATEXTENSIBLE is 40. */
    static final int EXTENSIBLE_SIZE = 40;
    /** The 14 bytes after the 2-byte format code in every KSDATAFORMAT_SUBTYPE_* GUID we accept. */
    private static final byte[] GUID_TAIL = {
        0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};

    /** Bytes per frame. */
    int blockAlign() {
        return channels * encoding.bytesPerSample();
    }

    /**
     * Parses and validates the first {@code n} bytes of a {@code fmt } chunk of {@code chunkSize}
     * bytes.
     *
     * @throws AudioFormatException naming the first problem found
     */
    static WavFormat parse(byte[] b, int n, long chunkSize) {
        if (chunkSize < 16) {
            throw new AudioFormatException("malformed WAV: fmt chunk is " + chunkSize + " bytes, at least 16 are needed");
        }
        int tag = RiffInput.u16(b, 0);
        int channels = RiffInput.u16(b, 2);
        long rate = RiffInput.u32(b, 4);
        int blockAlign = RiffInput.u16(b, 12);
        int bits = RiffInput.u16(b, 14);
        boolean extensible = tag == TAG_EXTENSIBLE;
        int code = tag;
        int validBits = bits;
        if (extensible) {
            if (n < EXTENSIBLE_SIZE) {
                throw new AudioFormatException("malformed WAV: WAVE_FORMAT_EXTENSIBLE fmt chunk is " + chunkSize
                        + " bytes, " + EXTENSIBLE_SIZE + " are needed");
            }
            int cbSize = RiffInput.u16(b, 16);
            if (cbSize < 22) {
                throw new AudioFormatException("malformed WAV: WAVE_FORMAT_EXTENSIBLE extension is " + cbSize
                        + " bytes, 22 are needed");
            }
            validBits = RiffInput.u16(b, 18);
            code = RiffInput.u16(b, 24);
            for (int i = 0; i < GUID_TAIL.length; i++) {
                if (b[26 + i] != GUID_TAIL[i]) {
                    throw new AudioFormatException("unsupported WAV encoding: WAVE_FORMAT_EXTENSIBLE sub-format "
                            + guid(b, 24) + " is not a PCM or IEEE float GUID");
                }
            }
        }
        if (code != TAG_PCM && code != TAG_FLOAT) {
            throw new AudioFormatException("unsupported WAV encoding: " + tagName(code)
                    + String.format(Locale.ROOT, " (format tag 0x%04X)", code)
                    + "; supported are PCM 8/16/24/32-bit and IEEE float 32-bit");
        }
        boolean floating = code == TAG_FLOAT;
        if (channels == 0) {
            throw new AudioFormatException("malformed WAV: header declares 0 channels");
        }
        if (rate == 0) {
            throw new AudioFormatException("malformed WAV: header declares a sample rate of 0 Hz");
        }
        if (rate > MAX_SAMPLE_RATE) {
            throw new AudioFormatException("malformed WAV: header declares an absurd sample rate of " + rate
                    + " Hz (more than " + MAX_SAMPLE_RATE + ")");
        }
        WavEncoding encoding = encoding(bits, floating);
        if (encoding == null) {
            throw new AudioFormatException("unsupported WAV encoding: " + bits + "-bit "
                    + (floating ? "IEEE float" : "PCM") + "; supported are PCM 8/16/24/32-bit and IEEE float 32-bit");
        }
        if (extensible && (validBits > bits)) {
            throw new AudioFormatException("malformed WAV: " + validBits + " valid bits in a " + bits + "-bit container");
        }
        long expectedAlign = (long) channels * encoding.bytesPerSample();
        if (blockAlign != expectedAlign) {
            throw new AudioFormatException("malformed WAV: block align " + blockAlign + " does not match "
                    + channels + " channels x " + encoding.bytesPerSample() + " bytes = " + expectedAlign);
        }
        return new WavFormat(encoding, channels, (int) rate, extensible);
    }

    private static WavEncoding encoding(int bits, boolean floating) {
        for (WavEncoding e : WavEncoding.values()) {
            if (e.bitsPerSample() == bits && e.isFloat() == floating) {
                return e;
            }
        }
        return null;
    }

    private static String tagName(int tag) {
        return switch (tag) {
            case 0x0000 -> "unknown";
            case 0x0002 -> "Microsoft ADPCM";
            case 0x0006 -> "A-law";
            case 0x0007 -> "mu-law";
            case 0x0011 -> "IMA ADPCM";
            case 0x0031 -> "GSM 6.10";
            case 0x0050 -> "MPEG";
            case 0x0055 -> "MP3";
            case 0x00FF -> "AAC";
            case 0x0161, 0x0162, 0x0163 -> "Windows Media Audio";
            case 0xF1AC -> "FLAC";
            default -> "an unknown encoding";
        };
    }

    private static String guid(byte[] b, int off) {
        return String.format(Locale.ROOT, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
                RiffInput.u32(b, off), RiffInput.u16(b, off + 4), RiffInput.u16(b, off + 6),
                b[off + 8], b[off + 9], b[off + 10], b[off + 11], b[off + 12], b[off + 13], b[off + 14], b[off + 15]);
    }
}
