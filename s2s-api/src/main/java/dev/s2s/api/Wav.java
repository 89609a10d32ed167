package dev.s2s.api;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.s2s.api.internal.WavReader;
import dev.s2s.api.internal.WavWriter;

/**
 * Reads and writes WAV files: PCM 8, 16, 24 and 32-bit and IEEE float 32-bit, any channel count,
 * with the plain or the {@code WAVE_FORMAT_EXTENSIBLE} header.
 *
 * <p>Reading goes chunk by chunk: unknown chunks ({@code LIST}, {@code bext}, ...) are skipped,
 * odd-sized chunks have their pad byte honoured, and reading stops after the {@code data} chunk.
 * Sizes in the header are never trusted: they are checked against the bytes really left (files
 * and arrays) or storage grows with the data actually read (streams). Input that is not a WAV file,
 * is malformed, truncated, absurd (0 channels, 0 Hz, a block align that does not match, a 4 GB
 * data chunk in a small file, the unknown-length size {@code 0xFFFFFFFF}) or uses an unsupported
 * encoding (A-law, mu-law, ADPCM, 12-bit PCM, 64-bit float, ...) raises an
 * {@link AudioFormatException} whose message gives the reason. A data chunk of size 0 reads as an
 * empty clip (which recognizers then refuse).
 *
 * <p>Integer samples map to {@code v / 2^(bits-1)}; writing rounds and clips, so 8, 16 and 24-bit
 * round trips are bit-exact (see {@link WavEncoding}).
 *
 * <p>Thread-safe: stateless; concurrent calls on different streams are independent.
 */
public final class Wav {

    private Wav() {
    }

    /**
     * Reads a WAV file.
     *
     * @throws AudioFormatException when the file is not a supported, well-formed WAV file
     * @throws IOException          when the file cannot be read
     */
    public static AudioClip read(Path path) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
            return WavReader.read(in, Files.size(path));
        } catch (AudioFormatException e) {
            throw new AudioFormatException(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a WAV file from a stream, up to the end of its {@code data} chunk. The stream is
     * neither buffered further nor closed; wrap slow streams in a {@link BufferedInputStream}.
     *
     * @throws AudioFormatException when the stream does not hold a supported, well-formed WAV file
     * @throws IOException          when the stream fails
     */
    public static AudioClip read(InputStream in) throws IOException {
        return WavReader.read(in, -1);
    }

    /**
     * Reads a WAV file held in memory.
     *
     * @throws AudioFormatException when the bytes are not a supported, well-formed WAV file
     */
    public static AudioClip read(byte[] wav) {
        try {
            return WavReader.read(new ByteArrayInputStream(wav), wav.length);
        } catch (IOException e) {
            throw new IllegalStateException("a byte array stream cannot fail", e);
        }
    }

    /**
     * Writes {@code clip} as 16-bit PCM, replacing {@code path}.
     *
     * @throws AudioFormatException when a sample is not finite or the file would exceed 4 GiB
     * @throws IOException          when the file cannot be written
     */
    public static void write(AudioClip clip, Path path) throws IOException {
        write(clip, path, WavEncoding.PCM_16);
    }

    /**
     * Writes {@code clip} in {@code encoding}, replacing {@code path}.
     *
     * @throws AudioFormatException when a sample is not finite or the file would exceed 4 GiB
     * @throws IOException          when the file cannot be written
     */
    public static void write(AudioClip clip, Path path, WavEncoding encoding) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
            WavWriter.write(clip, encoding, out);
        }
    }

    /**
     * Writes {@code clip} as 16-bit PCM to {@code out}, which is flushed but not closed.
     *
     * @throws AudioFormatException when a sample is not finite or the file would exceed 4 GiB
     * @throws IOException          when the stream fails
     */
    public static void write(AudioClip clip, OutputStream out) throws IOException {
        write(clip, out, WavEncoding.PCM_16);
    }

    /**
     * Writes {@code clip} in {@code encoding} to {@code out}, which is flushed but not closed.
     *
     * @throws AudioFormatException when a sample is not finite or the file would exceed 4 GiB
     * @throws IOException          when the stream fails
     */
    public static void write(AudioClip clip, OutputStream out, WavEncoding encoding) throws IOException {
        WavWriter.write(clip, encoding, out);
    }

    /**
     * The WAV file for {@code clip} in {@code encoding}, in memory.
     *
     * @throws AudioFormatException when a sample is not finite or the file would exceed 4 GiB
     */
    public static byte[] toBytes(AudioClip clip, WavEncoding encoding) {
        long size = WavWriter.fileSize(clip, encoding);
        if (size > Integer.MAX_VALUE - 8) {
            throw new AudioFormatException("a " + size + "-byte WAV file does not fit in a byte array; write it to a stream");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
        try {
            WavWriter.write(clip, encoding, out);
        } catch (IOException e) {
            throw new IllegalStateException("a byte array stream cannot fail", e);
        }
        return out.toByteArray();
    }
}
