package dev.s2s.formats;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a whisper.cpp ggml {@code .bin} model in the layout {@link GgmlModel} reads: header,
 * mel filter bank, vocabulary, then f32 or f16 tensor records. Used to build test and benchmark
 * models (for example random weights of a real shape). Not thread-safe.
 */
public final class GgmlWriter implements AutoCloseable {

    private final OutputStream out;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    private GgmlWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Starts a model file: writes the magic, the hyper-parameters, the filter bank
     * ({@code hparams.nMels() × 201} floats) and the vocabulary.
     */
    public static GgmlWriter create(Path path, GgmlHParams hparams, float[] melFilters, List<byte[]> vocab) {
        if (melFilters.length != hparams.nMels() * 201) {
            throw new IllegalArgumentException("mel filters need " + hparams.nMels() * 201 + " values, got " + melFilters.length);
        }
        try {
            GgmlWriter w = new GgmlWriter(new BufferedOutputStream(Files.newOutputStream(path), 1 << 16));
            w.i32(GgmlModel.MAGIC);
            for (int v : new int[] {hparams.nVocab(), hparams.nAudioCtx(), hparams.nAudioState(), hparams.nAudioHead(),
                hparams.nAudioLayer(), hparams.nTextCtx(), hparams.nTextState(), hparams.nTextHead(),
                hparams.nTextLayer(), hparams.nMels(), hparams.ftype()}) {
                w.i32(v);
            }
            w.i32(hparams.nMels());
            w.i32(201);
            for (float f : melFilters) {
                w.f32(f);
            }
            w.i32(vocab.size());
            for (byte[] t : vocab) {
                w.i32(t.length);
                w.bytes(t);
            }
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    /**
     * Appends a tensor record. {@code ne} are the ggml dimensions, innermost first (the PyTorch
     * shape reversed); {@code data} is in PyTorch row-major order and is rounded to f16 when
     * {@code type} is {@link GgmlType#F16}.
     */
    public GgmlWriter tensor(String name, GgmlType type, float[] data, long... ne) {
        if (!type.isFloat()) {
            throw new IllegalArgumentException("only f32 and f16 tensors can be written, not " + type);
        }
        long n = 1;
        for (long d : ne) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": shape needs " + n + " values, got " + data.length);
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        try {
            i32(ne.length);
            i32(nameBytes.length);
            i32(type.id());
            for (long d : ne) {
                i32(Math.toIntExact(d));
            }
            bytes(nameBytes);
            for (float f : data) {
                if (type == GgmlType.F32) {
                    f32(f);
                } else {
                    room(2);
                    buf.putShort(Float.floatToFloat16(f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private void room(int n) throws IOException {
        if (buf.remaining() < n) {
            flush();
        }
    }

    private void flush() throws IOException {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
    }

    private void i32(int v) throws IOException {
        room(4);
        buf.putInt(v);
    }

    private void f32(float v) throws IOException {
        room(4);
        buf.putFloat(v);
    }

    private void bytes(byte[] b) throws IOException {
        flush();
        out.write(b);
    }

    /** Finishes the file. */
    @Override
    public void close() {
        try {
            flush();
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
