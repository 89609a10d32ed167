package dev.s2s.formats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small GGUF files for structure tests (metadata, alignment, bad files). Test code only:
 * it is a fixture builder, not a reference for numbers.
 */
final class GgufTestWriter {

    private final ByteArrayOutputStream kv = new ByteArrayOutputStream();
    private int kvCount;
    private final List<Object[]> tensors = new ArrayList<>();
    private int version = 3;
    private int alignment = 32;

    GgufTestWriter version(int v) {
        version = v;
        return this;
    }

    GgufTestWriter alignment(int a) {
        alignment = a;
        return u32("general.alignment", a);
    }

    GgufTestWriter u32(String key, long v) {
        key(key, 4);
        put(le(4).putInt((int) v));
        return this;
    }

    GgufTestWriter i32(String key, int v) {
        key(key, 5);
        put(le(4).putInt(v));
        return this;
    }

    GgufTestWriter u8(String key, int v) {
        key(key, 0);
        kv.write(v);
        return this;
    }

    GgufTestWriter i16(String key, int v) {
        key(key, 3);
        put(le(2).putShort((short) v));
        return this;
    }

    GgufTestWriter f32(String key, float v) {
        key(key, 6);
        put(le(4).putFloat(v));
        return this;
    }

    GgufTestWriter f64(String key, double v) {
        key(key, 12);
        put(le(8).putDouble(v));
        return this;
    }

    GgufTestWriter bool(String key, boolean v) {
        key(key, 7);
        kv.write(v ? 1 : 0);
        return this;
    }

    GgufTestWriter i64(String key, long v) {
        key(key, 11);
        put(le(8).putLong(v));
        return this;
    }

    GgufTestWriter str(String key, String v) {
        key(key, 8);
        writeString(v);
        return this;
    }

    GgufTestWriter strings(String key, List<String> v) {
        key(key, 9);
        put(le(4).putInt(8));
        put(le(8).putLong(v.size()));
        v.forEach(this::writeString);
        return this;
    }

    GgufTestWriter floats(String key, float[] v) {
        key(key, 9);
        put(le(4).putInt(6));
        put(le(8).putLong(v.length));
        for (float x : v) {
            put(le(4).putFloat(x));
        }
        return this;
    }

    GgufTestWriter ints(String key, int[] v) {
        key(key, 9);
        put(le(4).putInt(5));
        put(le(8).putLong(v.length));
        for (int x : v) {
            put(le(4).putInt(x));
        }
        return this;
    }

    /** An array of arrays of u8. */
    GgufTestWriter nested(String key, int[][] v) {
        key(key, 9);
        put(le(4).putInt(9));
        put(le(8).putLong(v.length));
        for (int[] inner : v) {
            put(le(4).putInt(0));
            put(le(8).putLong(inner.length));
            for (int x : inner) {
                kv.write(x);
            }
        }
        return this;
    }

    /** Raw metadata bytes after a key and type (for malformed entries). */
    GgufTestWriter raw(String key, int type, byte[] value) {
        key(key, type);
        kv.writeBytes(value);
        return this;
    }

    GgufTestWriter tensor(String name, int type, long[] shape, byte[] data) {
        tensors.add(new Object[] {name, type, shape, data});
        return this;
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le(4).putInt(version).array());
        out.writeBytes(le(8).putLong(tensors.size()).array());
        out.writeBytes(le(8).putLong(kvCount).array());
        out.writeBytes(kv.toByteArray());
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (Object[] t : tensors) {
            byte[] name = ((String) t[0]).getBytes(StandardCharsets.UTF_8);
            out.writeBytes(le(8).putLong(name.length).array());
            out.writeBytes(name);
            long[] shape = (long[]) t[2];
            out.writeBytes(le(4).putInt(shape.length).array());
            for (long d : shape) {
                out.writeBytes(le(8).putLong(d).array());
            }
            out.writeBytes(le(4).putInt((Integer) t[1]).array());
            out.writeBytes(le(8).putLong(offset).array());
            offsets.add(offset);
            offset += align(((byte[]) t[3]).length);
        }
        pad(out);
        for (Object[] t : tensors) {
            byte[] data = (byte[]) t[3];
            out.writeBytes(data);
            pad(out);
        }
        return out.toByteArray();
    }

    Path write(Path file) throws IOException {
        Files.write(file, bytes());
        return file;
    }

    private long align(long n) {
        return (n + alignment - 1) / alignment * alignment;
    }

    private void pad(ByteArrayOutputStream out) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
    }

    private void key(String key, int type) {
        kvCount++;
        writeString(key);
        put(le(4).putInt(type));
    }

    private void writeString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        put(le(8).putLong(b.length));
        kv.writeBytes(b);
    }

    private void put(ByteBuffer b) {
        kv.writeBytes(b.array());
    }

    static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
