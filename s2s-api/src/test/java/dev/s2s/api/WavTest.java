package dev.s2s.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.s2s.testkit.TestData;

/** WAV reading and writing: real files, round trips, header layout and every kind of bad input. */
class WavTest {

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- building WAV bytes by hand

    /** A little-endian byte builder for hand-made WAV files. */
    private static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes ascii(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            return this;
        }

        Bytes u16(int v) {
            out.write(v);
            out.write(v >> 8);
            return this;
        }

        Bytes u32(long v) {
            return u16((int) v & 0xFFFF).u16((int) (v >>> 16) & 0xFFFF);
        }

        Bytes raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Bytes zeros(int n) {
            return raw(new byte[n]);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** "RIFF" + size + "WAVE" followed by {@code body}; the RIFF size is made right. */
    private static byte[] riff(byte[] body) {
        return new Bytes().ascii("RIFF").u32(4 + body.length).ascii("WAVE").raw(body).bytes();
    }

    /** A 16-byte fmt chunk. */
    private static Bytes fmt(Bytes b, int tag, int channels, long rate, int blockAlign, int bits) {
        return b.ascii("fmt ").u32(16).u16(tag).u16(channels).u32(rate).u32(rate * blockAlign).u16(blockAlign).u16(bits);
    }

    /** A 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk with the standard GUID tail. */
    private static Bytes extensible(Bytes b, int code, int channels, long rate, int bits, int validBits) {
        int align = channels * bits / 8;
        return b.ascii("fmt ").u32(40).u16(0xFFFE).u16(channels).u32(rate).u32(rate * align).u16(align).u16(bits)
                .u16(22).u16(validBits).u32(3).u16(code)
                .raw(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
    }

    private static byte[] pcm16(short... v) {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : v) {
            bb.putShort(s);
        }
        return bb.array();
    }

    /** A valid mono 16-bit 16 kHz file holding {@code samples}. */
    private static byte[] monoPcm16(short... samples) {
        byte[] data = pcm16(samples);
        return riff(fmt(new Bytes(), 1, 1, 16_000, 2, 16).ascii("data").u32(data.length).raw(data).bytes());
    }

    /** A file whose fmt chunk holds these values and whose data chunk is empty must be refused. */
    private static void assertHeaderRefused(int tag, int channels, long rate, int blockAlign, int bits, String message) {
        byte[] wav = riff(fmt(new Bytes(), tag, channels, rate, blockAlign, bits).ascii("data").u32(0).bytes());
        assertThat(readFails(wav)).hasMessageContaining(message);
    }

    private static AudioFormatException readFails(byte[] wav) {
        try {
            Wav.read(wav);
        } catch (AudioFormatException e) {
            // the stream path must refuse the same input
            assertThatThrownBy(() -> Wav.read(new ByteArrayInputStream(wav))).isInstanceOf(AudioFormatException.class);
            return e;
        }
        throw new AssertionError("no AudioFormatException");
    }

    // ---------------------------------------------------------------- real files

    @Test
    void readsJfk() throws IOException {
        Path jfk = TestData.model("jfk.wav");
        AudioClip clip = Wav.read(jfk);
        assertThat(clip.sampleRate()).isEqualTo(16_000);
        assertThat(clip.channels()).isEqualTo(1);
        assertThat(clip.frames()).isEqualTo(176_000);
        assertThat(clip.seconds()).isEqualTo(11.0);
        assertThat(clip.peak()).isGreaterThan(0.1).isLessThanOrEqualTo(1.0);
        assertThat(clip.rms()).isGreaterThan(0.01);
        try (InputStream in = Files.newInputStream(jfk)) {
            assertThat(Wav.read(in)).isEqualTo(clip);
        }
        assertThat(Wav.read(Files.readAllBytes(jfk))).isEqualTo(clip);
    }

    @Test
    void jfkSurvivesAPcm16RoundTripBitForBit() throws IOException {
        Path jfk = TestData.model("jfk.wav");
        byte[] original = Files.readAllBytes(jfk);
        AudioClip clip = Wav.read(jfk);
        Path copy = dir.resolve("copy.wav");
        Wav.write(clip, copy);
        byte[] written = Files.readAllBytes(copy);
        // same samples, byte for byte: the written data chunk equals the original one
        assertThat(written.length).isEqualTo(44 + 352_000);
        byte[] originalData = Arrays.copyOfRange(original, original.length - 352_000, original.length);
        assertThat(Arrays.copyOfRange(written, 44, written.length)).isEqualTo(originalData);
        assertThat(Wav.read(copy)).isEqualTo(clip);
    }

    // ---------------------------------------------------------------- round trips

    /** Random samples on the grid of {@code encoding}, so that a round trip can be exact. */
    private static AudioClip quantised(WavEncoding encoding, int frames, int channels, long seed) {
        Random rnd = new Random(seed);
        float[] s = new float[frames * channels];
        for (int i = 0; i < s.length; i++) {
            double x = rnd.nextDouble() * 2 - 1;
            s[i] = switch (encoding) {
                case PCM_8 -> Math.round(x * 127) / 128f;
                case PCM_16 -> Math.round(x * 32767) / 32768f;
                case PCM_24 -> Math.round(x * 8388607) / 8388608f;
                case PCM_32, FLOAT_32 -> (float) x;
            };
        }
        // the extremes of the range
        s[0] = -1f;
        if (s.length > 1) {
            s[1] = encoding == WavEncoding.FLOAT_32 ? 1f : 1f - 1f / (1 << (encoding.bitsPerSample() - 1 > 23 ? 23 : encoding.bitsPerSample() - 1));
        }
        return new AudioClip(s, 22_050, channels);
    }

    @ParameterizedTest
    @EnumSource(WavEncoding.class)
    void everyEncodingRoundTripsForEveryChannelLayout(WavEncoding encoding) throws IOException {
        for (int channels : new int[] {1, 2, 3, 6}) {
            AudioClip clip = quantised(encoding, 1001, channels, channels);
            byte[] wav = Wav.toBytes(clip, encoding);
            AudioClip back = Wav.read(wav);
            assertThat(back.sampleRate()).isEqualTo(22_050);
            assertThat(back.channels()).isEqualTo(channels);
            if (encoding == WavEncoding.PCM_32) {
                float[] a = clip.samples();
                float[] b = back.samples();
                for (int i = 0; i < a.length; i++) {
                    assertThat(b[i]).isCloseTo(a[i], within(0x1p-31f));
                }
            } else {
                assertThat(back).isEqualTo(clip);
            }
            // the same bytes again when written a second time, through a file and a stream
            Path p = dir.resolve(encoding + "-" + channels + ".wav");
            Wav.write(back, p, encoding);
            assertThat(Files.readAllBytes(p)).isEqualTo(Wav.toBytes(back, encoding));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Wav.write(back, out, encoding);
            assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(p));
            assertThat(Wav.read(p)).isEqualTo(back);
        }
    }

    @Test
    void pcm16IsTheDefaultAndOutOfRangeSamplesClip() throws IOException {
        AudioClip clip = AudioClip.mono(new float[] {1.5f, -1.5f, 1f, -1f, 0.5f, 0f}, 16_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Wav.write(clip, out);
        ByteBuffer bb = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bb.getShort(20)).isEqualTo((short) 1); // format tag PCM
        assertThat(bb.getShort(34)).isEqualTo((short) 16);
        short[] got = new short[6];
        for (int i = 0; i < 6; i++) {
            got[i] = bb.getShort(44 + 2 * i);
        }
        assertThat(got).containsExactly((short) 32767, (short) -32768, (short) 32767, (short) -32768, (short) 16384, (short) 0);
        // 8-bit is unsigned
        byte[] u8 = Wav.toBytes(AudioClip.mono(new float[] {-1f, 0f, 2f}, 8000), WavEncoding.PCM_8);
        assertThat(Arrays.copyOfRange(u8, 44, 47)).containsExactly(0, (byte) 128, (byte) 255);
    }

    @Test
    void headerLayoutFollowsTheSpecification() {
        // float: tag 3, cbSize 0, fact chunk with the frame count
        byte[] f = Wav.toBytes(new AudioClip(new float[6], 48_000, 2), WavEncoding.FLOAT_32);
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(f, 0, 4, StandardCharsets.ISO_8859_1)).isEqualTo("RIFF");
        assertThat(b.getInt(4)).isEqualTo(f.length - 8);
        assertThat(b.getInt(16)).isEqualTo(18);
        assertThat(b.getShort(20)).isEqualTo((short) 3);
        assertThat(b.getInt(28)).isEqualTo(48_000 * 8); // byte rate
        assertThat(b.getShort(32)).isEqualTo((short) 8); // block align
        assertThat(new String(f, 38, 4, StandardCharsets.ISO_8859_1)).isEqualTo("fact");
        assertThat(b.getInt(46)).isEqualTo(3);
        assertThat(new String(f, 50, 4, StandardCharsets.ISO_8859_1)).isEqualTo("data");
        assertThat(b.getInt(54)).isEqualTo(24);

        // more than two channels: WAVE_FORMAT_EXTENSIBLE with a speaker mask and the PCM GUID
        byte[] e = Wav.toBytes(new AudioClip(new float[6], 16_000, 3), WavEncoding.PCM_24);
        ByteBuffer x = ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(x.getInt(16)).isEqualTo(40);
        assertThat(x.getShort(20) & 0xFFFF).isEqualTo(0xFFFE);
        assertThat(x.getShort(36)).isEqualTo((short) 22);
        assertThat(x.getShort(38)).isEqualTo((short) 24);
        assertThat(x.getInt(40)).isEqualTo(0b111);
        assertThat(x.getShort(44)).isEqualTo((short) 1);
        // 6 samples of 3 bytes: an even 18-byte data chunk; 5 frames of 3 bytes mono is odd and padded
        byte[] odd = Wav.toBytes(AudioClip.mono(new float[5], 16_000), WavEncoding.PCM_24);
        assertThat(odd.length).isEqualTo(44 + 15 + 1);
        assertThat(ByteBuffer.wrap(odd).order(ByteOrder.LITTLE_ENDIAN).getInt(4)).isEqualTo(odd.length - 8);
        assertThat(ByteBuffer.wrap(odd).order(ByteOrder.LITTLE_ENDIAN).getInt(40)).isEqualTo(15);
        assertThat(Wav.read(odd).frames()).isEqualTo(5);
    }

    @Test
    void anEmptyClipWritesAndReadsBack() {
        AudioClip empty = new AudioClip(new float[0], 16_000, 2);
        byte[] wav = Wav.toBytes(empty, WavEncoding.PCM_16);
        assertThat(wav).hasSize(44);
        assertThat(Wav.read(wav)).isEqualTo(empty);
    }

    // ---------------------------------------------------------------- tolerated variations

    @Test
    void unknownAndOddSizedChunksAreSkippedAndPaddingHonoured() {
        byte[] data = pcm16((short) 1000, (short) -1000, (short) 7);
        Bytes b = new Bytes().ascii("LIST").u32(5).ascii("INFOx").zeros(1); // odd size + pad byte
        fmt(b, 1, 1, 16_000, 2, 16);
        b.ascii("bext").u32(3).zeros(3).zeros(1);
        b.ascii("data").u32(data.length).raw(data);
        b.ascii("id3 ").u32(4).zeros(4); // after the data: ignored
        AudioClip clip = Wav.read(riff(b.bytes()));
        assertThat(clip.samples()).containsExactly(1000 / 32768f, -1000 / 32768f, 7 / 32768f);
    }

    @Test
    void anOddSizedFmtChunkAndAnExtendedPlainFmtChunkAreRead() {
        byte[] data = pcm16((short) 5);
        // 18-byte fmt with cbSize 0, then a 19-byte one would be odd: use a float fmt of 18
        Bytes b = new Bytes().ascii("fmt ").u32(19).u16(1).u16(1).u32(8000).u32(16000).u16(2).u16(16).u16(0).zeros(1).zeros(1);
        b.ascii("data").u32(2).raw(data);
        assertThat(Wav.read(riff(b.bytes())).samples()).containsExactly(5 / 32768f);
    }

    @Test
    void extensibleFilesAreRead() {
        // 24-bit in a 24-bit container with 20 valid bits, stereo
        byte[] data = {0, 0, 0x40, 0, 0, (byte) 0xC0};
        Bytes b = extensible(new Bytes(), 1, 2, 44_100, 24, 20).ascii("data").u32(6).raw(data);
        AudioClip clip = Wav.read(riff(b.bytes()));
        assertThat(clip.channels()).isEqualTo(2);
        assertThat(clip.sampleRate()).isEqualTo(44_100);
        assertThat(clip.samples()).containsExactly(0.5f, -0.5f);
        // float through the extensible header
        ByteBuffer fb = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.25f);
        Bytes fl = extensible(new Bytes(), 3, 1, 8000, 32, 32).ascii("data").u32(4).raw(fb.array());
        assertThat(Wav.read(riff(fl.bytes())).samples()).containsExactly(0.25f);
    }

    @Test
    void aDataChunkOfSizeZeroIsAnEmptyClip() {
        AudioClip clip = Wav.read(monoPcm16());
        assertThat(clip.isEmpty()).isTrue();
        assertThat(clip.sampleRate()).isEqualTo(16_000);
    }

    @Test
    void aPartialLastFrameIsDropped() {
        byte[] data = {1, 0, 2, 0, 3}; // two 16-bit samples and a stray byte
        byte[] wav = riff(fmt(new Bytes(), 1, 1, 16_000, 2, 16).ascii("data").u32(5).raw(data).zeros(1).bytes());
        assertThat(Wav.read(wav).samples()).containsExactly(1 / 32768f, 2 / 32768f);
    }

    @Test
    void aStreamIsReadOnlyUpToTheEndOfTheDataChunk() throws IOException {
        byte[] wav = monoPcm16((short) 1, (short) 2);
        byte[] trailing = new Bytes().ascii("LIST").u32(2).zeros(2).bytes();
        ByteArrayInputStream in = new ByteArrayInputStream(concat(wav, trailing));
        assertThat(Wav.read(in).frames()).isEqualTo(2);
        assertThat(in.readAllBytes()).isEqualTo(trailing);
    }

    @Test
    void aLargeStreamIsReadInBlocks() throws IOException {
        int n = 300_000; // several decode blocks
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = (Math.floorMod(i * 7919L, 65536L) - 32768) / 32768f;
        }
        AudioClip clip = AudioClip.mono(s, 16_000);
        byte[] wav = Wav.toBytes(clip, WavEncoding.PCM_16);
        // a stream that hands out a few bytes at a time
        InputStream slow = new ByteArrayInputStream(wav) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 997));
            }
        };
        assertThat(Wav.read(slow)).isEqualTo(clip);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void emptyAndForeignInputIsNotAWavFile() {
        assertThat(readFails(new byte[0])).hasMessageContaining("not a WAV file: the input is empty");
        assertThat(readFails("ID3\u0004\0\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1)))
                .hasMessageContaining("not a WAV file: it starts with bytes 0x49443304");
        assertThat(readFails("OggS\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1)))
                .hasMessageContaining("not a WAV file: it starts with \"OggS\"");
        assertThat(readFails(new Bytes().ascii("RIFF").u32(4).ascii("AVI ").bytes()))
                .hasMessageContaining("RIFF form type is \"AVI \" instead of \"WAVE\"");
    }

    @Test
    void bigEndianAndRf64AreUnsupported() {
        assertThat(readFails(new Bytes().ascii("RIFX").u32(4).ascii("WAVE").bytes()))
                .hasMessageContaining("big-endian RIFX");
        assertThat(readFails(new Bytes().ascii("RF64").u32(0xFFFFFFFFL).ascii("WAVE").bytes()))
                .hasMessageContaining("RF64 (64-bit WAV) files are not supported");
    }

    @Test
    void truncatedHeadersAreReported() {
        byte[] full = monoPcm16((short) 1, (short) 2);
        assertThat(readFails(Arrays.copyOf(full, 2))).hasMessageContaining("truncated WAV")
                .hasMessageContaining("while reading the RIFF header");
        assertThat(readFails(Arrays.copyOf(full, 10))).hasMessageContaining("truncated WAV")
                .hasMessageContaining("while reading the RIFF form type");
        assertThat(readFails(Arrays.copyOf(full, 14))).hasMessageContaining("truncated WAV")
                .hasMessageContaining("while reading a chunk header");
        assertThat(readFails(Arrays.copyOf(full, 30))).hasMessageContaining("truncated WAV")
                .hasMessageContaining("fmt chunk declares 16 bytes but only 10 remain");
    }

    @Test
    void missingChunksAreReported() {
        assertThat(readFails(riff(new Bytes().ascii("data").u32(2).zeros(2).bytes())))
                .hasMessageContaining("the data chunk comes before the fmt chunk");
        assertThat(readFails(riff(fmt(new Bytes(), 1, 1, 16_000, 2, 16).bytes())))
                .hasMessageContaining("no data chunk (the input ended after 36 bytes)");
        assertThat(readFails(riff(new Bytes().ascii("LIST").u32(4).zeros(4).bytes())))
                .hasMessageContaining("no fmt chunk");
    }

    @Test
    void aShortFmtChunkIsMalformed() {
        byte[] wav = riff(new Bytes().ascii("fmt ").u32(14).u16(1).u16(1).u32(16_000).u32(32_000).u16(2)
                .ascii("data").u32(0).bytes());
        assertThat(readFails(wav)).hasMessageContaining("fmt chunk is 14 bytes, at least 16 are needed");
    }

    @Test
    void unsupportedEncodingsAreNamed() {
        assertHeaderRefused(6, 1, 8000, 1, 8, "unsupported WAV encoding: A-law (format tag 0x0006)");
        assertHeaderRefused(7, 1, 8000, 1, 8, "mu-law (format tag 0x0007)");
        assertHeaderRefused(2, 1, 8000, 256, 4, "Microsoft ADPCM (format tag 0x0002)");
        assertHeaderRefused(0x11, 1, 8000, 256, 4, "IMA ADPCM (format tag 0x0011)");
        assertHeaderRefused(0x1234, 1, 8000, 2, 16, "an unknown encoding (format tag 0x1234)");
        assertHeaderRefused(1, 1, 8000, 2, 12, "unsupported WAV encoding: 12-bit PCM");
        assertHeaderRefused(3, 1, 8000, 8, 64, "unsupported WAV encoding: 64-bit IEEE float");
        assertHeaderRefused(3, 1, 8000, 2, 16, "unsupported WAV encoding: 16-bit IEEE float");
        assertThat(readFails(riff(extensible(new Bytes(), 6, 1, 8000, 8, 8).ascii("data").u32(0).bytes())))
                .hasMessageContaining("A-law (format tag 0x0006)");
    }

    @Test
    void badExtensibleHeadersAreReported() {
        byte[] wrongGuid = extensible(new Bytes(), 1, 1, 8000, 16, 16).ascii("data").u32(0).bytes();
        wrongGuid[8 + 24 + 15] ^= 0x55; // corrupt the GUID tail
        assertThat(readFails(riff(wrongGuid))).hasMessageContaining("WAVE_FORMAT_EXTENSIBLE sub-format")
                .hasMessageContaining("is not a PCM or IEEE float GUID");
        byte[] shortFmt = new Bytes().ascii("fmt ").u32(18).u16(0xFFFE).u16(1).u32(8000).u32(16000).u16(2).u16(16).u16(0)
                .ascii("data").u32(0).bytes();
        assertThat(readFails(riff(shortFmt))).hasMessageContaining("WAVE_FORMAT_EXTENSIBLE fmt chunk is 18 bytes, 40 are needed");
        byte[] tooManyValid = extensible(new Bytes(), 1, 1, 8000, 16, 24).ascii("data").u32(0).bytes();
        assertThat(readFails(riff(tooManyValid))).hasMessageContaining("24 valid bits in a 16-bit container");
    }

    @Test
    void absurdFormatValuesAreReported() {
        assertHeaderRefused(1, 0, 16_000, 2, 16, "header declares 0 channels");
        assertHeaderRefused(1, 1, 0, 2, 16, "sample rate of 0 Hz");
        assertHeaderRefused(1, 1, 0xFFFFFFFFL, 2, 16, "absurd sample rate of 4294967295 Hz");
        assertHeaderRefused(1, 1, 16_000, 4000, 16, "block align 4000 does not match 1 channels x 2 bytes = 2");
        assertHeaderRefused(1, 2, 16_000, 0, 16, "block align 0 does not match 2 channels x 2 bytes = 4");
    }

    @Test
    void aFourGigabyteDataChunkInASmallFileIsRefusedWithoutAllocating() throws IOException {
        byte[] wav = riff(fmt(new Bytes(), 1, 1, 16_000, 2, 16).ascii("data").u32(0xFFFFFFFEL).zeros(956).bytes());
        assertThat(wav).hasSize(1000);
        AudioFormatException e = org.junit.jupiter.api.Assertions.assertThrows(AudioFormatException.class, () -> Wav.read(wav));
        assertThat(e).hasMessageContaining("truncated WAV: data chunk declares 4294967294 bytes but only 956 remain");
        Path p = dir.resolve("huge.wav");
        Files.write(p, wav);
        assertThatThrownBy(() -> Wav.read(p)).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("data chunk declares 4294967294 bytes but only 956 remain");
        // a stream cannot know its length: 2^31 samples are more than any AudioClip holds
        assertThatThrownBy(() -> Wav.read(new ByteArrayInputStream(wav))).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("WAV too large: 2147483647 samples do not fit in an AudioClip");
    }

    @Test
    void aStreamThatEndsEarlyIsTruncatedAndStorageGrowsOnlyWithTheData() throws IOException {
        // 32-bit mono, 0xFFFFFFF0 bytes: over a billion samples claimed (4 GB of floats), 1 KB given
        byte[] wav = riff(fmt(new Bytes(), 1, 1, 16_000, 4, 32).ascii("data").u32(0xFFFFFFF0L).zeros(1024).bytes());
        assertThatThrownBy(() -> Wav.read(new ByteArrayInputStream(wav))).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("truncated WAV: data chunk declares 4294967280 bytes but the input ended after 1024 of them");
        byte[] cut = Arrays.copyOf(monoPcm16((short) 1, (short) 2, (short) 3), 44 + 3);
        assertThatThrownBy(() -> Wav.read(new ByteArrayInputStream(cut))).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("data chunk declares 6 bytes but the input ended after 3 of them");
        assertThat(readFails(cut)).hasMessageContaining("data chunk declares 6 bytes but only 3 remain");
    }

    @Test
    void theUnknownLengthMarkerIsRefused() {
        byte[] wav = riff(fmt(new Bytes(), 1, 1, 16_000, 2, 16).ascii("data").u32(0xFFFFFFFFL).zeros(64).bytes());
        assertThat(readFails(wav)).hasMessageContaining("data chunk size 0xFFFFFFFF marks a streamed WAV of unknown length");
    }

    @Test
    void hugeOrEndlessMetadataNeverHangs() throws IOException {
        // in a file: the chunk claims more than is left
        byte[] list = riff(new Bytes().ascii("LIST").u32(0xFFFFFFF0L).zeros(100).bytes());
        assertThatThrownBy(() -> Wav.read(list)).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("truncated WAV: chunk \"LIST\" needs 4294967280 bytes but only 100 remain");
        // in a stream: the metadata budget runs out before anything is skipped
        assertThatThrownBy(() -> Wav.read(new ByteArrayInputStream(list))).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("more than 67108864 bytes of chunks (\"LIST\" of 4294967280 bytes) before the data chunk");
        // a modest chunk in a short stream: the skip stops at the end of input
        byte[] shortList = riff(new Bytes().ascii("LIST").u32(5000).zeros(100).bytes());
        assertThatThrownBy(() -> Wav.read(new ByteArrayInputStream(shortList))).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("truncated WAV: input ended after 120 bytes while reading chunk \"LIST\"");
        // an endless stream of empty chunks
        InputStream endless = new InputStream() {
            private final byte[] head = new Bytes().ascii("RIFF").u32(0).ascii("WAVE").bytes();
            private final byte[] junk = new Bytes().ascii("JUNK").u32(0).bytes();
            private long pos;

            @Override
            public int read() {
                long p = pos++;
                return (p < head.length ? head[(int) p] : junk[(int) ((p - head.length) % junk.length)]) & 0xFF;
            }
        };
        assertThatThrownBy(() -> Wav.read(endless)).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("more than 10000 chunks before the data chunk");
    }

    @Test
    void nonFiniteFloatSamplesAreRefused() {
        ByteBuffer bb = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(Float.NaN);
        byte[] wav = riff(fmt(new Bytes(), 3, 1, 8000, 4, 32).ascii("data").u32(8).raw(bb.array()).bytes());
        assertThat(readFails(wav)).hasMessageContaining("float sample 1 is NaN");
        AudioClip bad = AudioClip.mono(new float[] {0f, Float.POSITIVE_INFINITY}, 8000);
        for (WavEncoding e : WavEncoding.values()) {
            assertThatThrownBy(() -> Wav.toBytes(bad, e)).isInstanceOf(AudioFormatException.class)
                    .hasMessageContaining("cannot write sample 1 to WAV: it is Infinity");
        }
    }

    @Test
    void clipsTheFormatCannotDescribeAreRefused() {
        AudioClip wide = new AudioClip(new float[0], 8000, 20_000); // 80 000-byte frames in float
        assertThatThrownBy(() -> Wav.toBytes(wide, WavEncoding.FLOAT_32)).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("cannot write 20000 channels of 4-byte samples to WAV: the block align would exceed 65535");
        AudioClip fast = new AudioClip(new float[0], Integer.MAX_VALUE, 2);
        assertThatThrownBy(() -> Wav.toBytes(fast, WavEncoding.PCM_32)).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("the byte rate would exceed 4 GiB/s");
    }

    @Test
    void aMissingFileIsAnIoError() {
        assertThatThrownBy(() -> Wav.read(dir.resolve("absent.wav"))).isInstanceOf(java.nio.file.NoSuchFileException.class);
    }
}
