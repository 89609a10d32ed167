package dev.s2s.whisper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.s2s.api.AudioClip;

/** Test helper: reads the shared 16-bit PCM mono WAV clips ({@code int16 / 32768f}, as whisper.cpp). */
final class Wav {

    private Wav() {
    }

    static AudioClip read(Path p) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
            int pos = 12;
            int rate = 0;
            int channels = 0;
            while (pos + 8 <= b.limit()) {
                int id = b.getInt(pos);
                int len = b.getInt(pos + 4);
                if (id == 0x20746d66) { // "fmt "
                    channels = b.getShort(pos + 10);
                    rate = b.getInt(pos + 12);
                } else if (id == 0x61746164) { // "data"
                    int n = len / 2;
                    float[] s = new float[n];
                    for (int i = 0; i < n; i++) {
                        s[i] = b.getShort(pos + 8 + 2 * i) / 32768.0f;
                    }
                    return new AudioClip(s, rate, channels);
                }
                pos += 8 + len + (len & 1);
            }
            throw new IllegalStateException("no data chunk in " + p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
