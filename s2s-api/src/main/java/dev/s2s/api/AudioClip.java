package dev.s2s.api;

import java.time.Duration;
import java.util.Arrays;

import dev.s2s.api.internal.Resampler;

/**
 * Immutable PCM audio: interleaved float samples in [-1, 1], any sample rate, one or more
 * channels.
 *
 * <p>The array is copied in on construction and copied out by {@link #samples()}, so a clip can
 * never be changed after it is made; {@link #equals} and {@link #hashCode} compare content.
 * Thread-safe.
 *
 * @param samples    interleaved samples, frame by frame ({@code frames() * channels} values)
 * @param sampleRate frames per second, at least 1
 * @param channels   channel count, at least 1
 */
public record AudioClip(float[] samples, int sampleRate, int channels) {

    /** Validates and copies. */
    public AudioClip {
        if (samples == null) {
            throw new AudioFormatException("samples must not be null");
        }
        if (sampleRate <= 0) {
            throw new AudioFormatException("sample rate must be positive, got " + sampleRate);
        }
        if (channels <= 0) {
            throw new AudioFormatException("channel count must be positive, got " + channels);
        }
        if (samples.length % channels != 0) {
            throw new AudioFormatException("sample count " + samples.length
                    + " is not a multiple of the channel count " + channels);
        }
        samples = samples.clone();
    }

    /** A mono clip. */
    public static AudioClip mono(float[] samples, int sampleRate) {
        return new AudioClip(samples, sampleRate, 1);
    }

    /** A mono clip of silence. */
    public static AudioClip silence(Duration duration, int sampleRate) {
        long frames = Math.round(duration.toNanos() * 1e-9 * sampleRate);
        return new AudioClip(new float[Math.toIntExact(frames)], sampleRate, 1);
    }

    /** A copy of the interleaved samples. */
    @Override
    public float[] samples() {
        return samples.clone();
    }

    /** Copies the interleaved samples into {@code dst} (at least {@code length()} long). */
    public void copyTo(float[] dst, int offset) {
        System.arraycopy(samples, 0, dst, offset, samples.length);
    }

    /** One sample of one channel. */
    public float sample(int frame, int channel) {
        return samples[frame * channels + channel];
    }

    /** Total number of samples over all channels. */
    public int length() {
        return samples.length;
    }

    /** Number of frames (samples per channel). */
    public int frames() {
        return samples.length / channels;
    }

    /** True when the clip holds no frames. */
    public boolean isEmpty() {
        return samples.length == 0;
    }

    /** The play time. */
    public Duration duration() {
        return Duration.ofNanos(Math.round(frames() * 1e9 / sampleRate));
    }

    /** The play time in seconds. */
    public double seconds() {
        return frames() / (double) sampleRate;
    }

    /** The channels averaged into one; returns {@code this} when already mono. */
    public AudioClip toMono() {
        if (channels == 1) {
            return this;
        }
        int n = frames();
        float[] out = new float[n];
        for (int f = 0; f < n; f++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += samples[f * channels + c];
            }
            out[f] = (float) (sum / channels);
        }
        return new AudioClip(out, sampleRate, 1);
    }

    /**
     * Band-limited resampling (windowed sinc) to {@code rate}; returns {@code this} when the rate is
     * already {@code rate}. The output has {@code round(frames * rate / sampleRate)} frames.
     */
    public AudioClip resample(int rate) {
        if (rate <= 0) {
            throw new AudioFormatException("target sample rate must be positive, got " + rate);
        }
        if (rate == sampleRate) {
            return this;
        }
        return new AudioClip(Resampler.resample(samples, channels, sampleRate, rate), rate, channels);
    }

    /** Mono at {@code rate}: the usual input of speech models. */
    public AudioClip toMono(int rate) {
        return toMono().resample(rate);
    }

    /** Frames {@code [from, to)} as a new clip. */
    public AudioClip slice(int fromFrame, int toFrame) {
        if (fromFrame < 0 || toFrame > frames() || fromFrame > toFrame) {
            throw new IndexOutOfBoundsException("slice [" + fromFrame + ", " + toFrame + ") of " + frames() + " frames");
        }
        return new AudioClip(Arrays.copyOfRange(samples, fromFrame * channels, toFrame * channels), sampleRate, channels);
    }

    /** This clip followed by {@code other}, which must have the same rate and channel count. */
    public AudioClip append(AudioClip other) {
        if (other.sampleRate != sampleRate || other.channels != channels) {
            throw new AudioFormatException("cannot append " + other.sampleRate + " Hz/" + other.channels
                    + " ch audio to " + sampleRate + " Hz/" + channels + " ch audio");
        }
        float[] out = Arrays.copyOf(samples, samples.length + other.samples.length);
        System.arraycopy(other.samples, 0, out, samples.length, other.samples.length);
        return new AudioClip(out, sampleRate, channels);
    }

    /** This clip padded with trailing silence to at least {@code minFrames} frames. */
    public AudioClip padTo(int minFrames) {
        if (frames() >= minFrames) {
            return this;
        }
        return new AudioClip(Arrays.copyOf(samples, minFrames * channels), sampleRate, channels);
    }

    /** Root-mean-square level over all samples (0 for an empty clip). */
    public double rms() {
        if (samples.length == 0) {
            return 0;
        }
        double sum = 0;
        for (float s : samples) {
            sum += (double) s * s;
        }
        return Math.sqrt(sum / samples.length);
    }

    /** Largest absolute sample value. */
    public double peak() {
        double p = 0;
        for (float s : samples) {
            p = Math.max(p, Math.abs(s));
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AudioClip c && c.sampleRate == sampleRate && c.channels == channels
                && Arrays.equals(c.samples, samples);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(samples) + sampleRate) + channels;
    }

    @Override
    public String toString() {
        return "AudioClip[" + frames() + " frames, " + sampleRate + " Hz, " + channels + " ch, "
                + String.format(java.util.Locale.ROOT, "%.3f s]", seconds());
    }
}
