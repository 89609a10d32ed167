package dev.s2s.formats;

/**
 * One tensor of a {@link GgufFile}: its name, element type, shape and where its data lies.
 *
 * @param name     the tensor name, e.g. {@code token_embd.weight}
 * @param type     the element type
 * @param shape    ggml's {@code ne}: the dimensions, fastest-varying first (copied in and out)
 * @param offset   absolute byte offset of the data in the file
 * @param byteSize bytes of data
 */
public record GgufTensor(String name, GgmlType type, long[] shape, long offset, long byteSize) {

    /** Copies. */
    public GgufTensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (the product of the shape). */
    public long elements() {
        return Shapes.elements(shape);
    }

    /** Dimension {@code i} of the shape, or 1 beyond the last one. */
    public long dim(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensor t && t.name.equals(name) && t.type == type
                && java.util.Arrays.equals(t.shape, shape) && t.offset == offset && t.byteSize == byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name + " " + type + " " + java.util.Arrays.toString(shape) + " @" + offset;
    }
}
