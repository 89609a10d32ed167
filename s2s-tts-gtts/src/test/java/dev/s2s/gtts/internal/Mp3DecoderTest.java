package dev.s2s.gtts.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.s2s.api.AudioClip;

/**
 * MP3 decoding on hand-built MPEG-2 Layer III frames ({@link Mp3Fixtures}). A decode test of a
 * real recorded tone would need an MP3 encoder, which neither the JDK nor the build has; the tone
 * frames here carry one Huffman-coded spectral line instead, enough to locate audio in time.
 */
class Mp3DecoderTest {

    private static final int N = Mp3Fixtures.SAMPLES_PER_FRAME;

    @Test
    void silenceDecodesAt24kHzMonoWithTheDecoderDelayTrimmed() throws Exception {
        AudioClip clip = Mp3Decoder.decode(Mp3Fixtures.silence(50), 1 << 20);
        assertThat(clip.sampleRate()).isEqualTo(24_000);
        assertThat(clip.channels()).isEqualTo(1);
        assertThat(clip.frames()).isEqualTo(50 * N - Mp3Decoder.DECODER_DELAY);
        assertThat(clip.peak()).isZero();
    }

    @Test
    void audioLandsWhereItsGranuleIsAfterTrimming() throws Exception {
        int k = 10;
        AudioClip clip = Mp3Decoder.decode(Mp3Fixtures.withTones(20, k), 1 << 20);
        float[] s = clip.samples();
        double total = 0;
        for (float v : s) {
            total += v * v;
        }
        int lo = -1;
        int hi = -1;
        double acc = 0;
        for (int i = 0; i < s.length; i++) {
            acc += s[i] * s[i];
            if (lo < 0 && acc > 0.01 * total) {
                lo = i;
            }
            if (hi < 0 && acc > 0.99 * total) {
                hi = i;
            }
        }
        assertThat(clip.peak()).isGreaterThan(0.1);
        // A spectral line of granule k stands for input around frames k-1..k+1 (the MDCT spans two
        // granules). Measured with the 529-sample trim: 98% of the energy in [k*576-108, k*576+709].
        // Trimming one frame too little or too much would push it outside [(k-1)*576, (k+2)*576).
        assertThat(lo).isGreaterThanOrEqualTo((k - 1) * N);
        assertThat(hi).isLessThan((k + 2) * N);
        assertThat(lo).isLessThan(k * N);
    }

    @Test
    void lameTagDropsTheInfoFrameAndTrimsDelayAndPadding() throws Exception {
        int frames = 40;
        int delay = 576;
        int padding = 1200;
        byte[] mp3 = Mp3Fixtures.concat(Mp3Fixtures.infoFrame(frames, delay, padding), Mp3Fixtures.withTones(frames, 12));
        AudioClip gapless = Mp3Decoder.decode(mp3, 1 << 20);
        assertThat(gapless.frames()).isEqualTo(frames * N - delay - padding);
        AudioClip plain = Mp3Decoder.decode(Mp3Fixtures.withTones(frames, 12), 1 << 20);
        // Same audio, shifted earlier by the encoder delay.
        float[] a = gapless.samples();
        float[] b = plain.samples();
        assertThat(Arrays.copyOfRange(a, 0, a.length)).isEqualTo(Arrays.copyOfRange(b, delay, delay + a.length));
    }

    @Test
    void id3TagIsSkipped() throws Exception {
        byte[] mp3 = Mp3Fixtures.concat(Mp3Fixtures.id3(300), Mp3Fixtures.infoFrame(8, 576, 600), Mp3Fixtures.silence(8));
        assertThat(Mp3Decoder.decode(mp3, 1 << 20).frames()).isEqualTo(8 * N - 576 - 600);
    }

    @Test
    void garbageAndOversizedInputAreClearErrors() {
        assertThatThrownBy(() -> Mp3Decoder.decode("<html>not audio</html>".getBytes(), 1 << 20))
                .isInstanceOf(BadReplyException.class).hasMessageContaining("no MPEG audio frame");
        assertThatThrownBy(() -> Mp3Decoder.decode(new byte[0], 1 << 20))
                .isInstanceOf(BadReplyException.class);
        assertThatThrownBy(() -> Mp3Decoder.decode(Mp3Fixtures.silence(100), 10 * N))
                .isInstanceOf(BadReplyException.class).hasMessageContaining("more than");
    }
}
