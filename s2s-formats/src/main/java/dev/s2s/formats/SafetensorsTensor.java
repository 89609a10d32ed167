package dev.s2s.formats;

import java.util.Arrays;

/**
 * One tensor of a {@link SafetensorsFile}: its name, type, shape and where its bytes lie in the
 * file. Immutable and thread-safe.
 *
 * @param name   the tensor's name
 * @param dtype  element type
 * @param shape  dimensions, outermost first (empty for a scalar)
 * @param offset absolute byte offset of the data in the file
 * @param bytes  byte length of the data ({@code elements * dtype.bytes()})
 */
public record SafetensorsTensor(String name, SafetensorsDtype dtype, long[] shape, long offset, long bytes) {

    /** Copies the shape. */
    public SafetensorsTensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (1 for a scalar). */
    public long elements() {
        return Shapes.elements(shape);
    }

    /** Rank (number of dimensions). */
    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafetensorsTensor t && t.name.equals(name) && t.dtype == dtype
                && Arrays.equals(t.shape, shape) && t.offset == offset && t.bytes == bytes;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
