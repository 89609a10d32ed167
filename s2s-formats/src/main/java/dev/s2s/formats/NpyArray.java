package dev.s2s.formats;

import java.util.Arrays;

/**
 * A float32 array as stored in a NumPy {@code .npy} file: its shape (outermost first) and its
 * values in C (row-major) order. Immutable: arrays are copied in and out. Thread-safe.
 *
 * @param shape the dimensions, outermost first (empty for a scalar)
 * @param data  the values, row-major
 */
public record NpyArray(int[] shape, float[] data) {

    /** Validates and copies. */
    public NpyArray {
        if (shape == null || data == null) {
            throw new IllegalArgumentException("shape and data are required");
        }
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got "
                    + data.length);
        }
        shape = shape.clone();
        data = data.clone();
    }

    /** A copy of the shape. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** A copy of the values. */
    @Override
    public float[] data() {
        return data.clone();
    }

    /** One dimension. */
    public int dim(int i) {
        return shape[i];
    }

    /** Number of values. */
    public int size() {
        return data.length;
    }

    /** One value by flat (row-major) index. */
    public float get(int flatIndex) {
        return data[flatIndex];
    }

    /** One value of a 2-D array. */
    public float get(int row, int col) {
        if (shape.length != 2) {
            throw new IllegalStateException("not a 2-D array: " + Arrays.toString(shape));
        }
        return data[row * shape[1] + col];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a && Arrays.equals(a.shape, shape) && Arrays.equals(a.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NpyArray" + Arrays.toString(shape);
    }
}
