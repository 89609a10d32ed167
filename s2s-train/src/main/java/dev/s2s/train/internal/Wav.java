package dev.s2s.train.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import dev.s2s.api.AudioClip;

/** Writes 16-bit PCM WAV files through {@code javax.sound.sampled}. Not API. Thread-safe. */
public final class Wav {

    private Wav() {
    }

    /** Writes {@code clip} as 16-bit little-endian PCM (samples clipped to [-1, 1]). */
    public static void write(AudioClip clip, Path path) throws IOException {
        float[] s = clip.samples();
        byte[] b = new byte[s.length * 2];
        for (int i = 0; i < s.length; i++) {
            int v = Math.round(Math.max(-1f, Math.min(1f, s[i])) * 32767f);
            b[2 * i] = (byte) v;
            b[2 * i + 1] = (byte) (v >> 8);
        }
        AudioFormat fmt = new AudioFormat(clip.sampleRate(), 16, clip.channels(), true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(b), fmt, clip.frames())) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, path.toFile());
        }
    }
}
