package dev.s2s.train.internal;

/**
 * The Adam optimiser (Kingma and Ba, 2015) with bias correction and optional decoupled weight
 * decay (AdamW), over one flat parameter array. Not API. Not thread-safe.
 */
public final class Adam {

    private final float[] m;
    private final float[] v;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private long t;

    /** An optimiser for {@code n} parameters. */
    public Adam(int n, double beta1, double beta2, double eps) {
        this.m = new float[n];
        this.v = new float[n];
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /**
     * One update of {@code params[from, to)} in place; {@code decay} is applied to that range as
     * {@code p -= lr * decay * p} (0 for none).
     */
    public void step(float[] params, float[] grad, double lr, double decay, int from, int to, boolean advance) {
        if (advance) {
            t++;
        }
        long step = Math.max(1, t);
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float a = (float) (lr / c1);
        float sc2 = (float) (1 / Math.sqrt(c2));
        float e = (float) eps;
        float wd = (float) (lr * decay);
        for (int i = from; i < to; i++) {
            float g = grad[i];
            float mi = b1 * m[i] + (1 - b1) * g;
            float vi = b2 * v[i] + (1 - b2) * g * g;
            m[i] = mi;
            v[i] = vi;
            float p = params[i];
            params[i] = p - a * mi / ((float) Math.sqrt(vi) * sc2 + e) - wd * p;
        }
    }

    /** Steps taken. */
    public long steps() {
        return t;
    }
}
