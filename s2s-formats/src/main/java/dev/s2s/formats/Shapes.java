package dev.s2s.formats;

/** Shape arithmetic shared by the tensor records of this package. Not API. Stateless. */
final class Shapes {

    private Shapes() {
    }

    /** The product of the dimensions (1 for an empty shape); callers validated that it fits a long. */
    static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
