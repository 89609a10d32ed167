package dev.s2s.train;

import java.util.Arrays;

/**
 * Connectionist temporal classification (CTC) loss with its exact gradient, computed by the
 * forward-backward algorithm in log space (Graves et al., 2006).
 *
 * <p>The input is a block of unnormalised scores ({@code logits}), {@code T} frames of {@code C}
 * classes, row-major; the log-softmax over each row is taken here. One class is the blank. The
 * loss is {@code -log p(labels | logits)}, summed over all alignments that, after removing
 * repeats and then blanks, give {@code labels}. The gradient is with respect to the logits:
 * {@code softmax(t,k) - posterior(t,k)}.
 *
 * <p>A label sequence needs at least {@code labels.length + repeats} frames, where {@code repeats}
 * counts neighbouring equal labels (a blank must separate them). A shorter input is
 * <em>infeasible</em>: {@link #compute} then returns a result with {@link Result#feasible()} false
 * and an infinite loss, and leaves the gradient untouched, so that a trainer can skip and count
 * the example instead of failing. An empty label sequence is valid (all frames must be blank).
 *
 * <p>Arithmetic is in double precision. Stateless and thread-safe.
 */
public final class CtcLoss {

    private CtcLoss() {
    }

    /**
     * The outcome for one sequence.
     *
     * @param loss     {@code -log p(labels | logits)}, or {@code +Infinity} when infeasible
     * @param feasible false when the input has too few frames for the labels
     */
    public record Result(double loss, boolean feasible) {
    }

    /** Frames needed to emit {@code labels}: its length plus the number of adjacent repeats. */
    public static int minFrames(int[] labels) {
        int need = labels.length;
        for (int i = 1; i < labels.length; i++) {
            if (labels[i] == labels[i - 1]) {
                need++;
            }
        }
        return need;
    }

    /**
     * Computes the loss, and its gradient with respect to the logits when {@code grad} is not null.
     *
     * @param logits  {@code frames * classes} scores, row-major, read from {@code off}
     * @param off     offset of frame 0 in {@code logits} (and in {@code grad})
     * @param frames  number of frames {@code T}, at least 1
     * @param classes number of classes {@code C}, including the blank
     * @param labels  target classes, none equal to {@code blank}, each in {@code [0, C)}
     * @param blank   the blank class
     * @param grad    where {@code dLoss/dLogits} is written (overwritten, same layout as the
     *                logits), or null for the loss alone; scaled by {@code gradScale}
     * @param gradScale factor applied to the gradient (e.g. {@code 1 / labels.length})
     * @throws IllegalArgumentException for a bad shape or a label out of range or equal to blank
     */
    public static Result compute(float[] logits, int off, int frames, int classes, int[] labels, int blank,
            float[] grad, float gradScale) {
        if (frames < 1 || classes < 2) {
            throw new IllegalArgumentException("CTC needs at least 1 frame and 2 classes, got " + frames + " x "
                    + classes);
        }
        if (blank < 0 || blank >= classes) {
            throw new IllegalArgumentException("blank " + blank + " outside [0, " + classes + ")");
        }
        if (off < 0 || (long) off + (long) frames * classes > logits.length
                || (grad != null && (long) off + (long) frames * classes > grad.length)) {
            throw new IllegalArgumentException("logits/grad too short for " + frames + " x " + classes + " at " + off);
        }
        for (int l : labels) {
            if (l < 0 || l >= classes || l == blank) {
                throw new IllegalArgumentException("label " + l + " is out of range [0, " + classes
                        + ") or equals the blank " + blank);
            }
        }
        if (frames < minFrames(labels)) {
            return new Result(Double.POSITIVE_INFINITY, false);
        }
        int s = 2 * labels.length + 1;
        int[] ext = new int[s];
        Arrays.fill(ext, blank);
        for (int i = 0; i < labels.length; i++) {
            ext[2 * i + 1] = labels[i];
        }
        // log-softmax of every frame
        double[] logp = new double[frames * classes];
        double[] prob = grad == null ? null : new double[frames * classes];
        for (int t = 0; t < frames; t++) {
            int base = off + t * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, logits[base + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                double e = Math.exp(logits[base + k] - max);
                if (prob != null) {
                    prob[t * classes + k] = e;
                }
                sum += e;
            }
            double lse = max + Math.log(sum);
            double inv = 1 / sum;
            for (int k = 0; k < classes; k++) {
                logp[t * classes + k] = logits[base + k] - lse;
                if (prob != null) {
                    prob[t * classes + k] *= inv;
                }
            }
        }
        double ninf = Double.NEGATIVE_INFINITY;
        // alpha[t][s]: log prob of the prefix ending in state s at frame t, emission at t included
        double[] alpha = new double[frames * s];
        Arrays.fill(alpha, ninf);
        alpha[0] = logp[ext[0]];
        if (s > 1) {
            alpha[1] = logp[ext[1]];
        }
        for (int t = 1; t < frames; t++) {
            int prev = (t - 1) * s;
            int cur = t * s;
            // states that cannot still reach the end are skipped (they stay -inf)
            int lo = Math.max(0, s - 2 * (frames - t));
            int hi = Math.min(s, 2 * t + 2);
            for (int q = lo; q < hi; q++) {
                double a = alpha[prev + q];
                if (q >= 1) {
                    a = logAdd(a, alpha[prev + q - 1]);
                }
                if (q >= 2 && ext[q] != blank && ext[q] != ext[q - 2]) {
                    a = logAdd(a, alpha[prev + q - 2]);
                }
                alpha[cur + q] = a == ninf ? ninf : a + logp[t * classes + ext[q]];
            }
        }
        int last = (frames - 1) * s;
        double logLik = s > 1 ? logAdd(alpha[last + s - 1], alpha[last + s - 2]) : alpha[last + s - 1];
        if (logLik == ninf) {
            return new Result(Double.POSITIVE_INFINITY, false);
        }
        if (grad != null) {
            // beta[t][s]: log prob of the suffix after frame t given state s at t (emission at t excluded)
            double[] beta = new double[frames * s];
            Arrays.fill(beta, ninf);
            beta[last + s - 1] = 0;
            if (s > 1) {
                beta[last + s - 2] = 0;
            }
            for (int t = frames - 2; t >= 0; t--) {
                int cur = t * s;
                int next = (t + 1) * s;
                int nextEmit = (t + 1) * classes;
                for (int q = 0; q < s; q++) {
                    double b = beta[next + q] + logp[nextEmit + ext[q]];
                    if (q + 1 < s) {
                        b = logAdd(b, beta[next + q + 1] + logp[nextEmit + ext[q + 1]]);
                    }
                    if (q + 2 < s && ext[q + 2] != blank && ext[q + 2] != ext[q]) {
                        b = logAdd(b, beta[next + q + 2] + logp[nextEmit + ext[q + 2]]);
                    }
                    beta[cur + q] = b;
                }
            }
            double[] post = new double[classes];
            for (int t = 0; t < frames; t++) {
                Arrays.fill(post, ninf);
                for (int q = 0; q < s; q++) {
                    double g = alpha[t * s + q] + beta[t * s + q];
                    if (g != ninf) {
                        post[ext[q]] = logAdd(post[ext[q]], g);
                    }
                }
                int base = off + t * classes;
                for (int k = 0; k < classes; k++) {
                    double sm = prob[t * classes + k];
                    double pk = post[k] == ninf ? 0 : Math.exp(post[k] - logLik);
                    grad[base + k] = (float) ((sm - pk) * gradScale);
                }
            }
        }
        return new Result(-logLik, true);
    }

    /** {@code log(exp(a) + exp(b))} without overflow; handles {@code -Infinity}. */
    static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
    }

    /**
     * Greedy CTC decoding of per-frame class ids: drops the blank and collapses repeats (a repeat
     * separated by a blank is kept twice). This is exactly what a snapper with a blank vector and
     * repeat collapsing emits.
     */
    public static int[] collapse(int[] framewise, int blank) {
        int[] out = new int[framewise.length];
        int n = 0;
        int prev = -2;
        for (int c : framewise) {
            if (c != prev && c != blank) {
                out[n++] = c;
            }
            prev = c;
        }
        return Arrays.copyOf(out, n);
    }
}
