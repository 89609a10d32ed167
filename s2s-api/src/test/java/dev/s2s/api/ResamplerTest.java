package dev.s2s.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.s2s.api.internal.Resampler;

/** Band-limited resampling, checked with sine waves through {@link AudioClip#resample}. */
class ResamplerTest {

    private static AudioClip sine(double hz, int rate, double seconds, double amplitude) {
        int n = (int) Math.round(seconds * rate);
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return AudioClip.mono(s, rate);
    }

    /** Amplitude of the {@code hz} component over the middle of channel {@code ch}, by least squares. */
    private static double amplitude(AudioClip clip, int ch, double hz) {
        int frames = clip.frames();
        int from = frames / 4;
        int to = frames * 3 / 4;
        double ss = 0;
        double cc = 0;
        double sc = 0;
        double ys = 0;
        double yc = 0;
        for (int i = from; i < to; i++) {
            double w = 2 * Math.PI * hz * i / clip.sampleRate();
            double s = Math.sin(w);
            double c = Math.cos(w);
            double y = clip.sample(i, ch);
            ss += s * s;
            cc += c * c;
            sc += s * c;
            ys += y * s;
            yc += y * c;
        }
        double det = ss * cc - sc * sc;
        double a = (ys * cc - yc * sc) / det;
        double b = (yc * ss - ys * sc) / det;
        return Math.hypot(a, b);
    }

    /** RMS over the middle half of channel {@code ch}. */
    private static double middleRms(AudioClip clip, int ch) {
        int frames = clip.frames();
        double sum = 0;
        int n = 0;
        for (int i = frames / 4; i < frames * 3 / 4; i++) {
            double v = clip.sample(i, ch);
            sum += v * v;
            n++;
        }
        return Math.sqrt(sum / n);
    }

    /** Largest difference from the ideal sine at the output rate over the middle half of a channel. */
    private static double maxErrorVsIdeal(AudioClip out, int ch, double hz, double amplitude) {
        double max = 0;
        int frames = out.frames();
        for (int i = frames / 4; i < frames * 3 / 4; i++) {
            double ideal = amplitude * Math.sin(2 * Math.PI * hz * i / out.sampleRate());
            max = Math.max(max, Math.abs(out.sample(i, ch) - ideal));
        }
        return max;
    }

    private static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }

    /**
     * Resamples a {@code hz} tone and checks the length, that the level stays within 0.1 dB and
     * that the waveform matches the ideal sine at the new rate (so timing is right too).
     */
    private static void assertPassesTone(double hz, int from, int to, double seconds, int expectedFrames) {
        double amplitude = 0.5;
        AudioClip out = sine(hz, from, seconds, amplitude).resample(to);
        assertThat(out.sampleRate()).isEqualTo(to);
        assertThat(out.channels()).isEqualTo(1);
        assertThat(out.frames()).isEqualTo(expectedFrames);
        assertThat(db(amplitude(out, 0, hz) / amplitude)).isCloseTo(0.0, within(0.1));
        assertThat(maxErrorVsIdeal(out, 0, hz, amplitude)).isLessThan(1e-3);
    }

    /** Resamples a {@code hz} tone above the new Nyquist frequency and checks it is 40 dB down. */
    private static void assertStopsTone(double hz, int from, int to) {
        AudioClip in = sine(hz, from, 1.0, 0.5);
        assertThat(db(middleRms(in.resample(to), 0) / middleRms(in, 0))).isLessThan(-40.0);
    }

    @Test
    void downsampling48kTo16kKeepsA1kHzToneWithinATenthOfADecibel() {
        assertPassesTone(1000, 48_000, 16_000, 1.0, 16_000);
    }

    @Test
    void downsampling48kTo16kAttenuatesA10kHzToneByAtLeast40Decibels() {
        assertStopsTone(10_000, 48_000, 16_000);
    }

    @ParameterizedTest(name = "{0} -> {1} Hz, {2} frames")
    @CsvSource({
        "48000, 16000, 48000", "48000, 16000, 48001", "48000, 16000, 48002", "16000, 48000, 16001",
        "44100, 16000, 44100", "44100, 16000, 12345", "22050, 24000, 22051", "8000, 44100, 7999",
        "44100, 48001, 1000", "16000, 16001, 5", "48000, 16000, 1", "48000, 16000, 2"})
    void lengthIsRoundedExactly(int from, int to, int frames) {
        AudioClip out = AudioClip.mono(new float[frames], from).resample(to);
        long expected = Math.round((double) frames * to / from);
        assertThat((long) out.frames()).isCloseTo(expected, within(1L));
        assertThat(out.frames()).isEqualTo((int) Resampler.outputFrames(frames, from, to));
    }

    /** 44100 -> 48001 reduces to 48001/44100: too many phases for an exact table, so it interpolates. */
    @ParameterizedTest(name = "{1} -> {2} Hz keeps a {0} Hz tone")
    @CsvSource({"1000, 16000, 48000, 0.5, 24000", "1000, 44100, 16000, 1.0, 16000", "3000, 22050, 24000, 1.0, 24000",
        "2000, 44100, 48001, 0.5, 24001", "7000, 48000, 44100, 0.5, 22050"})
    void otherRatiosReproduceTheSine(double hz, int from, int to, double seconds, int frames) {
        assertPassesTone(hz, from, to, seconds, frames);
    }

    @Test
    void downsampling44100To16kRemovesWhatWouldAlias() {
        assertStopsTone(12_000, 44_100, 16_000);
    }

    @Test
    void channelsAreResampledIndependently() {
        int rate = 48_000;
        int n = rate / 2;
        float[] s = new float[n * 3];
        for (int i = 0; i < n; i++) {
            s[3 * i] = (float) (0.5 * Math.sin(2 * Math.PI * 1000 * i / rate));
            s[3 * i + 1] = (float) (0.25 * Math.sin(2 * Math.PI * 2500 * i / rate));
            s[3 * i + 2] = (float) (0.5 * Math.sin(2 * Math.PI * 11_000 * i / rate)); // above the new Nyquist
        }
        AudioClip out = new AudioClip(s, rate, 3).resample(16_000);
        assertThat(out.channels()).isEqualTo(3);
        assertThat(out.frames()).isEqualTo(8000);
        assertThat(maxErrorVsIdeal(out, 0, 1000, 0.5)).isLessThan(1e-3);
        assertThat(maxErrorVsIdeal(out, 1, 2500, 0.25)).isLessThan(1e-3);
        assertThat(db(middleRms(out, 2) / (0.5 / Math.sqrt(2)))).isLessThan(-40.0);
    }

    @Test
    void directCurrentKeepsItsLevel() {
        float[] s = new float[4800];
        java.util.Arrays.fill(s, 0.5f);
        AudioClip out = AudioClip.mono(s, 48_000).resample(16_000);
        for (int i = 200; i < out.frames() - 200; i++) {
            assertThat(out.sample(i, 0)).isCloseTo(0.5f, within(1e-5f));
        }
    }

    @Test
    void emptyInputGivesEmptyOutputAndTheSameRateGivesTheSameClip() {
        AudioClip empty = new AudioClip(new float[0], 48_000, 2);
        assertThat(empty.resample(16_000)).isEqualTo(new AudioClip(new float[0], 16_000, 2));
        AudioClip clip = sine(440, 16_000, 0.1, 0.5);
        assertThat(clip.resample(16_000)).isSameAs(clip);
    }

    @Test
    void badRatesAreRefusedWithTheReason() {
        AudioClip clip = sine(440, 48_000, 0.01, 0.5);
        assertThatThrownBy(() -> clip.resample(0)).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("target sample rate must be positive, got 0");
        assertThatThrownBy(() -> clip.resample(100)).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("divides the rate by more than 256");
        assertThatThrownBy(() -> Resampler.resample(new float[3], 2, 48_000, 16_000))
                .isInstanceOf(AudioFormatException.class).hasMessageContaining("do not divide into 2 channels");
        assertThatThrownBy(() -> AudioClip.mono(new float[1 << 20], 1).resample(Integer.MAX_VALUE))
                .isInstanceOf(AudioFormatException.class).hasMessageContaining("more than a Java array can");
        assertThat(Resampler.outputFrames(Integer.MAX_VALUE, 1, Integer.MAX_VALUE))
                .isEqualTo((long) Integer.MAX_VALUE * Integer.MAX_VALUE);
        assertThatThrownBy(() -> Resampler.resample(new float[4], 1, -5, 16_000))
                .isInstanceOf(AudioFormatException.class).hasMessageContaining("sample rates must be positive");
    }
}
