package dev.s2s.kernels.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import dev.s2s.kernels.Kernels;

/** Plain-Java kernels: the fallback and the reference. Not API. Thread-safe (stateless). */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public void matmulTransB(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
            int m, int n, int k) {
        Checks.matmul(a.length, aOff, lda, b.length, bOff, ldb, c.length, cOff, ldc, m, n, k);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[cOff + i * ldc + j] = dot(a, aOff + i * lda, b, bOff + j * ldb, k);
            }
        }
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            x[off + i] *= inv;
        }
    }

    @Override
    public void halfToFloat(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Float.float16ToFloat(src[srcOff + i]);
        }
    }

    @Override
    public void floatToHalf(float[] src, int srcOff, short[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Float.floatToFloat16(src[srcOff + i]);
        }
    }

    @Override
    public void halfToFloat(MemorySegment src, long byteOffset, float[] dst, int dstOff, int n) {
        java.util.Objects.checkFromIndexSize(dstOff, n, dst.length);
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Float.float16ToFloat(src.get(ValueLayout.JAVA_SHORT_UNALIGNED, byteOffset + 2L * i));
        }
    }

    @Override
    public void int8ToFloat(MemorySegment src, long byteOffset, float scale, float[] dst, int dstOff, int n) {
        java.util.Objects.checkFromIndexSize(dstOff, n, dst.length);
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = src.get(ValueLayout.JAVA_BYTE, byteOffset + i) * scale;
        }
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            x[i] = gelu(x[i]);
        }
    }

    @Override
    public void silu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            float v = x[i];
            x[i] = (float) (v / (1.0 + Math.exp(-v)));
        }
    }

    @Override
    public void relu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            x[i] = Math.max(0f, x[i]);
        }
    }

    /** Exact (erf) GELU of one value. */
    public static float gelu(float x) {
        return (float) (0.5 * x * (1.0 + erf(x * 0.7071067811865476)));
    }

    /**
     * The error function, from Abramowitz and Stegun 7.1.26 evaluated in double: absolute error
     * below 1.5e-7, finer than float resolution near 1.
     */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double t = 1.0 / (1.0 + 0.3275911 * ax);
        double y = 1.0 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
                + 0.254829592) * t * Math.exp(-ax * ax);
        return x < 0 ? -y : y;
    }
}
