package dev.s2s.api;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A V × D matrix of token embeddings (one row per vocabulary id), with the vocabulary it belongs
 * to, as read from a model file. It is what a {@link TokenSnapper} searches.
 *
 * <p>Storage is {@link Storage#F32}, {@link Storage#F16} (IEEE half) or {@link Storage#INT8}
 * (one signed byte per value with one float scale per row: {@code value = byte * scale}). The
 * data lives in a read-only {@link MemorySegment}, on the heap or memory-mapped from the model
 * file, so matrices over 2 GB work. A mapped segment must outlive the matrix.
 *
 * <p>Immutable and thread-safe.
 */
public final class TokenMatrix {

    /** How the values are stored. */
    public enum Storage {
        /** 4-byte IEEE float. */
        F32(4),
        /** 2-byte IEEE half float. */
        F16(2),
        /** 1 signed byte per value, with a float scale per row. */
        INT8(1);

        private final int bytes;

        Storage(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per value. */
        public int bytes() {
            return bytes;
        }
    }

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final int rows;
    private final int dim;
    private final Storage storage;
    private final MemorySegment data;
    private final float[] scales;
    private final Vocabulary vocabulary;

    private TokenMatrix(int rows, int dim, Storage storage, MemorySegment data, float[] scales, Vocabulary vocabulary) {
        if (rows <= 0 || dim <= 0) {
            throw new IllegalArgumentException("bad token matrix shape " + rows + " x " + dim);
        }
        Objects.requireNonNull(storage, "storage");
        long need = (long) rows * dim * storage.bytes();
        if (data.byteSize() != need) {
            throw new IllegalArgumentException("token matrix data has " + data.byteSize() + " bytes, " + rows + " x "
                    + dim + " " + storage + " needs " + need);
        }
        if (storage == Storage.INT8 && (scales == null || scales.length != rows)) {
            throw new IllegalArgumentException("INT8 storage needs one scale per row");
        }
        if (vocabulary != null && vocabulary.size() != rows) {
            throw new IllegalArgumentException("vocabulary has " + vocabulary.size() + " tokens but the matrix has "
                    + rows + " rows");
        }
        this.rows = rows;
        this.dim = dim;
        this.storage = storage;
        this.data = data.asReadOnly();
        this.scales = scales == null ? null : scales.clone();
        this.vocabulary = vocabulary;
    }

    /** An f32 matrix over a copy of {@code values} (row-major). {@code vocabulary} may be null. */
    public static TokenMatrix ofFloats(float[] values, int rows, int dim, Vocabulary vocabulary) {
        return new TokenMatrix(rows, dim, Storage.F32, MemorySegment.ofArray(values.clone()), null, vocabulary);
    }

    /** An f16 matrix over a copy of {@code halfBits} (IEEE half bit patterns, row-major). */
    public static TokenMatrix ofHalfs(short[] halfBits, int rows, int dim, Vocabulary vocabulary) {
        return new TokenMatrix(rows, dim, Storage.F16, MemorySegment.ofArray(halfBits.clone()), null, vocabulary);
    }

    /** An int8 matrix over copies of {@code values} and per-row {@code scales}. */
    public static TokenMatrix ofInt8(byte[] values, float[] scales, int rows, int dim, Vocabulary vocabulary) {
        return new TokenMatrix(rows, dim, Storage.INT8, MemorySegment.ofArray(values.clone()), scales, vocabulary);
    }

    /**
     * A matrix over an existing segment (e.g. memory-mapped from a model file), not copied.
     * {@code scales} is required for INT8 and ignored otherwise.
     */
    public static TokenMatrix of(Storage storage, MemorySegment data, int rows, int dim, float[] scales,
            Vocabulary vocabulary) {
        return new TokenMatrix(rows, dim, storage, data, scales, vocabulary);
    }

    /** Number of rows (vocabulary size). */
    public int rows() {
        return rows;
    }

    /** Width of each row (the model's embedding size). */
    public int dim() {
        return dim;
    }

    /** The storage type. */
    public Storage storage() {
        return storage;
    }

    /** The raw values as a read-only segment, row-major, {@code rows * dim * storage.bytes()} bytes. */
    public MemorySegment data() {
        return data;
    }

    /** The per-row scale of an INT8 matrix. */
    public float scale(int row) {
        if (scales == null) {
            throw new IllegalStateException("only INT8 matrices have scales");
        }
        return scales[row];
    }

    /** The vocabulary, or {@code null} when the matrix was built without one. */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** Row {@code id} widened to float. */
    public float[] row(int id) {
        float[] out = new float[dim];
        rowInto(id, out, 0);
        return out;
    }

    /** Writes row {@code id}, widened to float, into {@code dst} at {@code offset}. */
    public void rowInto(int id, float[] dst, int offset) {
        Objects.checkIndex(id, rows);
        long base = (long) id * dim;
        switch (storage) {
            case F32 -> MemorySegment.copy(data, F, base * 4, dst, offset, dim);
            case F16 -> {
                for (int d = 0; d < dim; d++) {
                    dst[offset + d] = Float.float16ToFloat(data.getAtIndex(S, base + d));
                }
            }
            case INT8 -> {
                float s = scales[id];
                for (int d = 0; d < dim; d++) {
                    dst[offset + d] = data.get(ValueLayout.JAVA_BYTE, base + d) * s;
                }
            }
        }
    }

    /** The whole matrix widened to a new row-major float array. */
    public float[] toFloats() {
        float[] out = new float[Math.multiplyExact(rows, dim)];
        for (int r = 0; r < rows; r++) {
            rowInto(r, out, r * dim);
        }
        return out;
    }

    /**
     * This matrix converted to {@code target} storage (a copy; {@code this} when already there).
     * INT8 uses symmetric per-row quantization: {@code scale = max|x| / 127}.
     */
    public TokenMatrix convert(Storage target) {
        if (target == storage) {
            return this;
        }
        float[] row = new float[dim];
        switch (target) {
            case F32 -> {
                return ofFloats(toFloats(), rows, dim, vocabulary);
            }
            case F16 -> {
                short[] h = new short[Math.multiplyExact(rows, dim)];
                for (int r = 0; r < rows; r++) {
                    rowInto(r, row, 0);
                    for (int d = 0; d < dim; d++) {
                        h[r * dim + d] = Float.floatToFloat16(row[d]);
                    }
                }
                return new TokenMatrix(rows, dim, Storage.F16, MemorySegment.ofArray(h), null, vocabulary);
            }
            default -> {
                byte[] q = new byte[Math.multiplyExact(rows, dim)];
                float[] sc = new float[rows];
                for (int r = 0; r < rows; r++) {
                    rowInto(r, row, 0);
                    float max = 0;
                    for (float v : row) {
                        max = Math.max(max, Math.abs(v));
                    }
                    float s = max == 0 ? 1f : max / 127f;
                    sc[r] = s;
                    for (int d = 0; d < dim; d++) {
                        q[r * dim + d] = (byte) Math.max(-127, Math.min(127, Math.round(row[d] / s)));
                    }
                }
                return new TokenMatrix(rows, dim, Storage.INT8, MemorySegment.ofArray(q), sc, vocabulary);
            }
        }
    }

    @Override
    public String toString() {
        return "TokenMatrix[" + rows + " x " + dim + ", " + storage + "]";
    }
}
