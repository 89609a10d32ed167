package dev.s2s.cli;

import java.util.Arrays;
import java.util.Random;

/** Synthetic test audio: quiet noise and speech-like bursts (a modulated tone). */
final class Signals {

    private Signals() {
    }

    /** Builds a signal piece by piece. */
    static final class Builder {
        private final int rate;
        private final Random rnd = new Random(1);
        private float[] data = new float[0];

        Builder(int rate) {
            this.rate = rate;
        }

        /** White noise at about {@code db} dBFS RMS. */
        Builder noise(double seconds, double db) {
            double a = Math.pow(10, db / 20) * Math.sqrt(3);
            int n = (int) (seconds * rate);
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) ((rnd.nextDouble() * 2 - 1) * a);
            }
            return add(x);
        }

        /** A 220 Hz tone with a 4 Hz syllable-like envelope, peak about {@code db} dBFS, over quiet noise. */
        Builder speech(double seconds, double db) {
            double a = Math.pow(10, db / 20);
            int n = (int) (seconds * rate);
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                double t = i / (double) rate;
                double env = 0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t);
                x[i] = (float) (a * env * Math.sin(2 * Math.PI * 220 * t) + (rnd.nextDouble() * 2 - 1) * 0.001);
            }
            return add(x);
        }

        private Builder add(float[] x) {
            float[] out = Arrays.copyOf(data, data.length + x.length);
            System.arraycopy(x, 0, out, data.length, x.length);
            data = out;
            return this;
        }

        float[] build() {
            return data.clone();
        }
    }
}
