package dev.s2s.formats;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes float tensors to a {@code .safetensors} file that {@code safetensors.safe_open} and
 * {@link SafetensorsFile} read (header padded with spaces to a multiple of 8 bytes, tensors in
 * insertion order, contiguous). Used to save projectors trained in Java. Not thread-safe.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Entry> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private record Entry(SafetensorsDtype dtype, long[] shape, float[] values) {
    }

    /** Adds a tensor stored as {@code dtype} (F32, F16 or BF16; BF16 rounds to nearest even). */
    public SafetensorsWriter add(String name, SafetensorsDtype dtype, float[] values, long... shape) {
        Objects.requireNonNull(name, "name");
        if (!dtype.isFloat()) {
            throw new IllegalArgumentException("only F32, F16 and BF16 can be written, got " + dtype);
        }
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + java.util.Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(name + ": " + values.length + " values for shape "
                    + java.util.Arrays.toString(shape));
        }
        if (name.equals("__metadata__") || tensors.containsKey(name)) {
            throw new IllegalArgumentException("duplicate or reserved tensor name: " + name);
        }
        tensors.put(name, new Entry(dtype, shape.clone(), values.clone()));
        return this;
    }

    /** Adds an F32 tensor. */
    public SafetensorsWriter add(String name, float[] values, long... shape) {
        return add(name, SafetensorsDtype.F32, values, shape);
    }

    /** Adds a {@code __metadata__} string. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Writes the file (replacing it). */
    public void write(Path path) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            Entry t = e.getValue();
            ObjectNode o = header.putObject(e.getKey());
            o.put("dtype", t.dtype.name());
            ArrayNode shape = o.putArray("shape");
            for (long d : t.shape) {
                shape.add(d);
            }
            long len = (long) t.values.length * t.dtype.bytes();
            o.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) & ~7;
        try (OutputStream out = Files.newOutputStream(path)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(json);
            out.write(" ".repeat(padded - json.length).getBytes(StandardCharsets.US_ASCII));
            for (Entry t : tensors.values()) {
                ByteBuffer b = ByteBuffer.allocate(t.values.length * t.dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : t.values) {
                    switch (t.dtype) {
                        case F32 -> b.putFloat(v);
                        case F16 -> b.putShort(Float.floatToFloat16(v));
                        default -> b.putShort(toBf16(v));
                    }
                }
                out.write(b.array());
            }
        }
    }

    /** Float to bfloat16 bits, round to nearest even (NaN stays NaN). */
    static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
