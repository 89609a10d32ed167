package dev.s2s.train.internal;

/**
 * The error function, which {@code java.lang.Math} lacks: the complementary error function by
 * the Chebyshev-fitted rational approximation of Numerical Recipes (fractional error below
 * 1.2e-7 everywhere), more than float precision. Not API. Thread-safe.
 */
public final class Erf {

    private Erf() {
    }

    /** {@code erf(x)}. */
    public static double erf(double x) {
        return 1 - erfc(x);
    }

    /** {@code erfc(x) = 1 - erf(x)}. */
    public static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
