package dev.s2s.train.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes float32 tensors as a {@code .safetensors} file: an 8-byte little-endian header length, a
 * JSON header ({@code dtype}, {@code shape}, {@code data_offsets} per tensor, optional
 * {@code __metadata__} of strings) padded with spaces to a multiple of 8, then the little-endian
 * data. The same layout {@code safetensors.torch.save_file} writes. Not API. Not thread-safe.
 */
public final class SafetensorsWriter {

    private record Tensor(int[] shape, float[] data) {
    }

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds a tensor; {@code data.length} must equal the product of {@code shape}. */
    public SafetensorsWriter add(String name, float[] data, int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("tensor " + name + ": shape needs " + n + " values, got " + data.length);
        }
        if (tensors.put(name, new Tensor(shape.clone(), data.clone())) != null) {
            throw new IllegalArgumentException("duplicate tensor " + name);
        }
        return this;
    }

    /** Adds a {@code __metadata__} entry. */
    public SafetensorsWriter meta(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Writes the file. */
    public void write(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            ArrayNode s = t.putArray("shape");
            for (int d : e.getValue().shape()) {
                s.add(d);
            }
            long bytes = 4L * e.getValue().data().length;
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] h = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(h);
            for (int i = h.length; i < padded; i++) {
                out.write(' ');
            }
            for (Tensor t : tensors.values()) {
                ByteBuffer b = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(t.data());
                out.write(b.array());
            }
        }
    }
}
