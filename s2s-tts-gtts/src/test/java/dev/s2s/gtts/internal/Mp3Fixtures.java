package dev.s2s.gtts.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Hand-built MP3 streams for tests, in the format Google answers with: MPEG-2 Layer III, 24 kHz,
 * mono, 576 samples per frame. The JDK has no MP3 encoder and the tests must not depend on one, so
 * frames are assembled bit by bit: a header, the 9-byte side information of an MPEG-2 mono granule
 * and the main data. A frame whose side information is all zero is valid silence; a "tone" frame
 * carries one Huffman-coded spectral line (table 1, value 1 in line 0), which decodes to a
 * low-frequency pulse of energy, so that tests can see where audio lands after delay trimming.
 */
public final class Mp3Fixtures {

    /** Samples per MPEG-2 Layer III frame. */
    public static final int SAMPLES_PER_FRAME = 576;

    private Mp3Fixtures() {
    }

    /** {@code frames} silent 32 kbit/s frames (96 bytes each). */
    public static byte[] silence(int frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < frames; i++) {
            out.writeBytes(silentFrame());
        }
        return out.toByteArray();
    }

    /** Silent frames, with tone frames at the given indices. */
    public static byte[] withTones(int frames, int... toneFrames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < frames; i++) {
            boolean tone = false;
            for (int t : toneFrames) {
                tone |= t == i;
            }
            out.writeBytes(tone ? toneFrame() : silentFrame());
        }
        return out.toByteArray();
    }

    /** A 96-byte silent frame: header FF F3 44 C4 (MPEG-2, Layer III, no CRC, 32 kbit/s, 24 kHz, mono). */
    static byte[] silentFrame() {
        byte[] f = new byte[96];
        f[0] = (byte) 0xFF;
        f[1] = (byte) 0xF3;
        f[2] = (byte) 0x44;
        f[3] = (byte) 0xC4;
        return f;
    }

    /** A 96-byte frame whose granule holds one non-zero spectral line. */
    static byte[] toneFrame() {
        byte[] f = silentFrame();
        BitWriter w = new BitWriter(f, 4);
        w.put(0, 8); // main_data_begin: main data starts in this frame
        w.put(0, 1); // private bit (mono, MPEG-2)
        w.put(3, 12); // part2_3_length: "01" (x=1, y=0 in table 1) + sign bit; no scale factors
        w.put(1, 9); // big_values: one pair
        w.put(210, 8); // global_gain: 2^((210-210)/4) = 1
        w.put(0, 9); // scalefac_compress: no scale-factor bits
        w.put(0, 1); // window_switching_flag: long blocks
        w.put(1, 5); // table_select[0] = 1
        w.put(1, 5); // table_select[1]
        w.put(1, 5); // table_select[2]
        w.put(15, 4); // region0_count
        w.put(7, 3); // region1_count
        w.put(0, 1); // scalefac_scale
        w.put(0, 1); // count1table_select
        // Main data at byte 13: Huffman code "01" for (1, 0), then sign 0 (positive).
        BitWriter m = new BitWriter(f, 13);
        m.put(0b010, 3);
        return f;
    }

    /**
     * A Xing "Info" frame with a LAME tag recording {@code delay} and {@code padding}, as LAME writes
     * before the audio frames (64 kbit/s so that the tag fits: 192 bytes).
     */
    public static byte[] infoFrame(int audioFrames, int delay, int padding) {
        byte[] f = new byte[192];
        f[0] = (byte) 0xFF;
        f[1] = (byte) 0xF3;
        f[2] = (byte) 0x84;
        f[3] = (byte) 0xC4;
        int tag = 4 + 9;
        put(f, tag, "Info");
        int32(f, tag + 4, 0x0F); // frames, bytes, TOC and quality present
        int32(f, tag + 8, audioFrames);
        int32(f, tag + 12, audioFrames * 96 + 192);
        for (int i = 0; i < 100; i++) {
            f[tag + 16 + i] = (byte) (i * 255 / 100);
        }
        int32(f, tag + 116, 100);
        int lame = tag + 120;
        put(f, lame, "LAME3.100");
        f[lame + 21] = (byte) (delay >> 4);
        f[lame + 22] = (byte) (((delay & 0x0f) << 4) | (padding >> 8));
        f[lame + 23] = (byte) padding;
        return f;
    }

    /** An ID3v2.4 tag of {@code size} payload bytes (a TSSE text frame padded with zeros). */
    public static byte[] id3(int size) {
        byte[] t = new byte[10 + size];
        put(t, 0, "ID3");
        t[3] = 4;
        t[6] = (byte) ((size >> 21) & 0x7f);
        t[7] = (byte) ((size >> 14) & 0x7f);
        t[8] = (byte) ((size >> 7) & 0x7f);
        t[9] = (byte) (size & 0x7f);
        put(t, 10, "TSSE");
        return t;
    }

    /** Concatenation. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static void put(byte[] f, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(b, 0, f, at, b.length);
    }

    private static void int32(byte[] f, int at, int v) {
        f[at] = (byte) (v >>> 24);
        f[at + 1] = (byte) (v >>> 16);
        f[at + 2] = (byte) (v >>> 8);
        f[at + 3] = (byte) v;
    }

    /** Writes big-endian bit fields into a byte array. */
    private static final class BitWriter {
        private final byte[] buf;
        private int bit;

        BitWriter(byte[] buf, int byteOffset) {
            this.buf = buf;
            this.bit = byteOffset * 8;
        }

        void put(int value, int bits) {
            for (int i = bits - 1; i >= 0; i--) {
                if (((value >> i) & 1) != 0) {
                    buf[bit >> 3] |= (byte) (0x80 >> (bit & 7));
                }
                bit++;
            }
        }
    }
}
