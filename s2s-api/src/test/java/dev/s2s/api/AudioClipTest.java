package dev.s2s.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The {@link AudioClip} value: content equality, immutability, conversions and validation. */
class AudioClipTest {

    @Test
    void equalsAndHashCodeCompareContent() {
        AudioClip a = new AudioClip(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 16_000, 2);
        AudioClip b = new AudioClip(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 16_000, 2);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotSameAs(b);
        assertThat(a).isNotEqualTo(new AudioClip(new float[] {0.1f, 0.2f, 0.3f, 0.5f}, 16_000, 2));
        assertThat(a).isNotEqualTo(new AudioClip(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 8000, 2));
        assertThat(a).isNotEqualTo(new AudioClip(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 16_000, 1));
        assertThat(a).isNotEqualTo("not a clip").isNotEqualTo(null);
        assertThat(a.toString()).isEqualTo("AudioClip[2 frames, 16000 Hz, 2 ch, 0.000 s]");
    }

    @Test
    void theArrayIsCopiedInAndOut() {
        float[] src = {0.5f, -0.5f};
        AudioClip clip = AudioClip.mono(src, 8000);
        src[0] = 0.9f;
        assertThat(clip.sample(0, 0)).isEqualTo(0.5f);
        float[] out = clip.samples();
        out[1] = 0.9f;
        assertThat(clip.sample(1, 0)).isEqualTo(-0.5f);
        assertThat(clip.samples()).isNotSameAs(clip.samples());
        float[] dst = new float[4];
        clip.copyTo(dst, 1);
        assertThat(dst).containsExactly(0f, 0.5f, -0.5f, 0f);
    }

    @Test
    void sizesAndDurations() {
        AudioClip clip = new AudioClip(new float[48_000 * 2], 48_000, 2);
        assertThat(clip.frames()).isEqualTo(48_000);
        assertThat(clip.length()).isEqualTo(96_000);
        assertThat(clip.duration()).isEqualTo(Duration.ofSeconds(1));
        assertThat(clip.seconds()).isEqualTo(1.0);
        assertThat(clip.isEmpty()).isFalse();
        AudioClip silence = AudioClip.silence(Duration.ofMillis(250), 16_000);
        assertThat(silence.frames()).isEqualTo(4000);
        assertThat(silence.channels()).isEqualTo(1);
        assertThat(silence.rms()).isZero();
        assertThat(AudioClip.mono(new float[0], 8000).isEmpty()).isTrue();
        assertThat(AudioClip.mono(new float[0], 8000).rms()).isZero();
    }

    @Test
    void levels() {
        AudioClip clip = AudioClip.mono(new float[] {0.5f, -0.5f, 0.5f, -1f}, 8000);
        assertThat(clip.peak()).isEqualTo(1.0);
        assertThat(clip.rms()).isCloseTo(Math.sqrt((0.25 * 3 + 1) / 4), within(1e-9));
    }

    @Test
    void toMonoAveragesTheChannels() {
        AudioClip stereo = new AudioClip(new float[] {1f, 0f, 0.5f, 0.5f, -1f, 1f}, 8000, 2);
        AudioClip mono = stereo.toMono();
        assertThat(mono.channels()).isEqualTo(1);
        assertThat(mono.sampleRate()).isEqualTo(8000);
        assertThat(mono.samples()).containsExactly(0.5f, 0.5f, 0f);
        assertThat(mono.toMono()).isSameAs(mono);
        AudioClip three = new AudioClip(new float[] {0.3f, 0.6f, 0.9f}, 8000, 3);
        assertThat(three.toMono().samples()[0]).isCloseTo(0.6f, within(1e-6f));
        AudioClip at16k = stereo.toMono(16_000);
        assertThat(at16k.sampleRate()).isEqualTo(16_000);
        assertThat(at16k.channels()).isEqualTo(1);
        assertThat(at16k.frames()).isEqualTo(6);
    }

    @Test
    void sliceAppendAndPad() {
        AudioClip clip = new AudioClip(new float[] {1, 2, 3, 4, 5, 6}, 8000, 2);
        assertThat(clip.slice(1, 3).samples()).containsExactly(3, 4, 5, 6);
        assertThat(clip.slice(2, 2).isEmpty()).isTrue();
        assertThat(clip.slice(0, 3)).isEqualTo(clip);
        assertThatThrownBy(() -> clip.slice(2, 4)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("slice [2, 4) of 3 frames");
        assertThatThrownBy(() -> clip.slice(-1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> clip.slice(2, 1)).isInstanceOf(IndexOutOfBoundsException.class);

        AudioClip joined = clip.slice(0, 1).append(clip.slice(1, 3));
        assertThat(joined).isEqualTo(clip);
        assertThatThrownBy(() -> clip.append(AudioClip.mono(new float[] {1}, 8000)))
                .isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("cannot append 8000 Hz/1 ch audio to 8000 Hz/2 ch audio");
        assertThatThrownBy(() -> clip.append(new AudioClip(new float[2], 16_000, 2)))
                .isInstanceOf(AudioFormatException.class).hasMessageContaining("16000 Hz/2 ch");

        AudioClip padded = clip.padTo(5);
        assertThat(padded.frames()).isEqualTo(5);
        assertThat(padded.samples()).containsExactly(1, 2, 3, 4, 5, 6, 0, 0, 0, 0);
        assertThat(clip.padTo(3)).isSameAs(clip);
        assertThat(clip.padTo(1)).isSameAs(clip);
    }

    @Test
    void invalidClipsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new AudioClip(null, 8000, 1)).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("samples must not be null");
        assertThatThrownBy(() -> AudioClip.mono(new float[1], 0)).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("sample rate must be positive, got 0");
        assertThatThrownBy(() -> AudioClip.mono(new float[1], -8000)).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("got -8000");
        assertThatThrownBy(() -> new AudioClip(new float[2], 8000, 0)).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("channel count must be positive, got 0");
        assertThatThrownBy(() -> new AudioClip(new float[5], 8000, 2)).isInstanceOf(AudioFormatException.class)
                .hasMessageContaining("sample count 5 is not a multiple of the channel count 2");
    }
}
