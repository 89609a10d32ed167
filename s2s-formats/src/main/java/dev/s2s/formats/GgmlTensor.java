package dev.s2s.formats;

import java.util.Arrays;

/**
 * One tensor record of a whisper.cpp ggml {@code .bin} file: its name, ggml shape (innermost,
 * fastest dimension first, i.e. the PyTorch shape reversed), element type and where its data lies
 * in the file. Immutable and thread-safe.
 *
 * @param name       the tensor name, e.g. {@code encoder.conv1.weight}
 * @param ne         ggml dimensions, innermost first (1 to 4 values, each at least 1)
 * @param type       the element type
 * @param headerOffset file offset of the record header
 * @param dataOffset file offset of the first data byte
 * @param byteSize   data size in bytes
 */
public record GgmlTensor(String name, long[] ne, GgmlType type, long headerOffset, long dataOffset, long byteSize) {

    /** Validates and copies. */
    public GgmlTensor {
        if (name == null || ne == null || type == null) {
            throw new IllegalArgumentException("name, ne and type are required");
        }
        ne = ne.clone();
    }

    /** A copy of the ggml dimensions, innermost first. */
    @Override
    public long[] ne() {
        return ne.clone();
    }

    /** One ggml dimension ({@code 1} beyond the stored ones). */
    public long ne(int i) {
        return i < ne.length ? ne[i] : 1;
    }

    /** Number of stored dimensions. */
    public int nDims() {
        return ne.length;
    }

    /** Total element count. */
    public long elements() {
        long n = 1;
        for (long d : ne) {
            n *= d;
        }
        return n;
    }

    /** The PyTorch shape (outermost first). */
    public long[] torchShape() {
        long[] s = new long[ne.length];
        for (int i = 0; i < ne.length; i++) {
            s[i] = ne[ne.length - 1 - i];
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgmlTensor t && t.name.equals(name) && Arrays.equals(t.ne, ne) && t.type == type
                && t.headerOffset == headerOffset && t.dataOffset == dataOffset && t.byteSize == byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Long.hashCode(dataOffset);
    }

    @Override
    public String toString() {
        return "GgmlTensor[" + name + " " + type + " ne=" + Arrays.toString(ne) + " @" + dataOffset + "]";
    }
}
