package dev.s2s.gtts.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.s2s.api.AudioClip;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.BitstreamException;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.DecoderException;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.SampleBuffer;

/**
 * MP3 to PCM with JLayer 1.0.1, with the decoder's leading delay trimmed so that durations are
 * right.
 *
 * <p>An MPEG Layer III decoder's output lags its input by {@value #DECODER_DELAY} samples (the
 * hybrid filter bank). When the stream starts with a Xing/Info frame carrying a LAME tag (as LAME
 * and FFmpeg write), that frame is not audio and is dropped, and the encoder delay and padding it
 * records are trimmed too (gapless playback: {@code DECODER_DELAY + delay} samples from the start,
 * the padding from the end). Without the tag, only the decoder delay is trimmed. Not API.
 * Thread-safe: stateless (a new JLayer decoder per call).
 */
public final class Mp3Decoder {

    /** The Layer III decoder delay in samples per channel (528 for the filter bank, plus one). */
    public static final int DECODER_DELAY = 529;

    private Mp3Decoder() {
    }

    /** Encoder delay and padding from a LAME tag, in samples per channel. */
    record Gapless(boolean infoFrame, int delay, int padding) {
        static final Gapless NONE = new Gapless(false, 0, 0);
    }

    /**
     * Decodes a whole MP3 stream.
     *
     * @param mp3       the stream, possibly with an ID3v2 tag and a Xing/Info frame
     * @param maxFrames the most sample frames (per channel) to accept before giving up, a guard
     *                  against absurd input
     * @throws BadReplyException when no frame decodes, a frame is corrupt, the rate or channel count
     *                      changes mid-stream, or the audio is longer than {@code maxFrames}
     */
    public static AudioClip decode(byte[] mp3, int maxFrames) throws BadReplyException {
        Gapless gapless = gapless(mp3);
        Bitstream bitstream = new Bitstream(new ByteArrayInputStream(mp3));
        Decoder decoder = new Decoder();
        float[] pcm = new float[4096];
        int length = 0;
        int rate = 0;
        int channels = 0;
        int frameIndex = 0;
        try {
            Header header;
            while ((header = bitstream.readFrame()) != null) {
                if (frameIndex++ == 0 && gapless.infoFrame()) {
                    bitstream.closeFrame();
                    continue;
                }
                SampleBuffer out = (SampleBuffer) decoder.decodeFrame(header, bitstream);
                bitstream.closeFrame();
                if (rate == 0) {
                    rate = out.getSampleFrequency();
                    channels = out.getChannelCount();
                } else if (rate != out.getSampleFrequency() || channels != out.getChannelCount()) {
                    throw new BadReplyException("MP3 changes from " + rate + " Hz/" + channels + " ch to "
                            + out.getSampleFrequency() + " Hz/" + out.getChannelCount() + " ch in frame " + frameIndex);
                }
                int n = out.getBufferLength();
                if ((long) length + n > (long) maxFrames * channels) {
                    throw new BadReplyException("MP3 decodes to more than " + maxFrames + " sample frames");
                }
                if (length + n > pcm.length) {
                    pcm = Arrays.copyOf(pcm, Math.max(length + n, (int) Math.min(Integer.MAX_VALUE - 8, pcm.length * 2L)));
                }
                short[] buf = out.getBuffer();
                for (int i = 0; i < n; i++) {
                    pcm[length + i] = buf[i] / 32768f;
                }
                length += n;
            }
        } catch (BitstreamException | DecoderException | ArrayIndexOutOfBoundsException e) {
            throw new BadReplyException("corrupt MP3 data at frame " + frameIndex + ": " + e.getMessage(), e);
        } finally {
            try {
                bitstream.close();
            } catch (BitstreamException e) {
                // a byte-array stream: nothing to release
            }
        }
        if (rate == 0) {
            throw new BadReplyException("no MPEG audio frame found in " + mp3.length + " bytes");
        }
        int total = length / channels;
        int start = DECODER_DELAY + gapless.delay();
        int valid = gapless.infoFrame() ? total - gapless.delay() - gapless.padding() : total - DECODER_DELAY;
        int end = Math.min(total, start + Math.max(0, valid));
        if (start >= end) {
            return new AudioClip(new float[0], rate, channels);
        }
        return new AudioClip(Arrays.copyOfRange(pcm, start * channels, end * channels), rate, channels);
    }

    /** Reads the Xing/Info frame and LAME tag of the first frame, if any. */
    static Gapless gapless(byte[] b) {
        int pos = 0;
        if (b.length >= 10 && b[0] == 'I' && b[1] == 'D' && b[2] == '3') {
            int size = ((b[6] & 0x7f) << 21) | ((b[7] & 0x7f) << 14) | ((b[8] & 0x7f) << 7) | (b[9] & 0x7f);
            pos = 10 + size + ((b[5] & 0x10) != 0 ? 10 : 0);
        }
        while (pos + 4 <= b.length && !isFrameHeader(b, pos)) {
            pos++;
        }
        if (pos + 4 > b.length) {
            return Gapless.NONE;
        }
        int version = (b[pos + 1] >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
        boolean crc = (b[pos + 1] & 1) == 0;
        boolean mono = ((b[pos + 3] >> 6) & 3) == 3;
        int sideInfo = version == 3 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        int tag = pos + 4 + (crc ? 2 : 0) + sideInfo;
        if (tag + 8 > b.length) {
            return Gapless.NONE;
        }
        String id = new String(b, tag, 4, StandardCharsets.ISO_8859_1);
        if (!id.equals("Xing") && !id.equals("Info")) {
            return Gapless.NONE;
        }
        int flags = ((b[tag + 4] & 0xff) << 24) | ((b[tag + 5] & 0xff) << 16) | ((b[tag + 6] & 0xff) << 8) | (b[tag + 7] & 0xff);
        int lame = tag + 8 + ((flags & 1) != 0 ? 4 : 0) + ((flags & 2) != 0 ? 4 : 0) + ((flags & 4) != 0 ? 100 : 0)
                + ((flags & 8) != 0 ? 4 : 0);
        if (lame + 24 > b.length) {
            return new Gapless(true, 0, 0);
        }
        String encoder = new String(b, lame, 4, StandardCharsets.ISO_8859_1);
        if (!encoder.equals("LAME") && !encoder.equals("Lavc") && !encoder.equals("Lavf")) {
            return new Gapless(true, 0, 0);
        }
        int d0 = b[lame + 21] & 0xff;
        int d1 = b[lame + 22] & 0xff;
        int d2 = b[lame + 23] & 0xff;
        return new Gapless(true, (d0 << 4) | (d1 >> 4), ((d1 & 0x0f) << 8) | d2);
    }

    private static boolean isFrameHeader(byte[] b, int p) {
        if ((b[p] & 0xff) != 0xff || (b[p + 1] & 0xe0) != 0xe0) {
            return false;
        }
        int version = (b[p + 1] >> 3) & 3;
        int layer = (b[p + 1] >> 1) & 3;
        int bitrate = (b[p + 2] >> 4) & 0x0f;
        int rate = (b[p + 2] >> 2) & 3;
        return version != 1 && layer == 1 && bitrate != 0 && bitrate != 15 && rate != 3;
    }
}
