package dev.s2s.formats;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import dev.s2s.api.ModelFormatException;

/**
 * Widens ggml tensor data to {@code float}, bit for bit as ggml's own {@code dequantize_row_*}
 * reference functions do (the tests compare against them through JNA): F32, F16, BF16, Q4_0,
 * Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K and Q8_K. Other types raise
 * {@link ModelFormatException} "unsupported tensor type X".
 *
 * <p>Stateless and thread-safe.
 */
public final class Dequantizer {

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int QK_K = 256;

    private Dequantizer() {
    }

    /**
     * Dequantizes {@code count} values of {@code type} starting at byte {@code srcOffset} of
     * {@code src} into {@code dst[dstOffset ..]}. {@code count} must be a whole number of blocks.
     *
     * @throws ModelFormatException      for a type that cannot be dequantized or a partial block
     * @throws IndexOutOfBoundsException when {@code src} or {@code dst} is too small
     */
    public static void dequantize(GgmlType type, MemorySegment src, long srcOffset, float[] dst, int dstOffset,
            int count) {
        if (!type.dequantizable()) {
            throw new ModelFormatException("unsupported tensor type " + type);
        }
        long bytes = type.byteSize(count);
        java.util.Objects.checkFromIndexSize(srcOffset, bytes, src.byteSize());
        java.util.Objects.checkFromIndexSize(dstOffset, count, dst.length);
        int blocks = count / type.blockSize();
        for (int b = 0; b < blocks; b++) {
            long p = srcOffset + (long) b * type.typeSize();
            int y = dstOffset + b * type.blockSize();
            switch (type) {
                case F32 -> dst[y] = src.get(F32, p);
                case F16 -> dst[y] = half(src, p);
                case BF16 -> dst[y] = Float.intBitsToFloat((src.get(U16, p) & 0xFFFF) << 16);
                case Q4_0 -> q4_0(src, p, dst, y);
                case Q4_1 -> q4_1(src, p, dst, y);
                case Q5_0 -> q5_0(src, p, dst, y);
                case Q5_1 -> q5_1(src, p, dst, y);
                case Q8_0 -> q8_0(src, p, dst, y);
                case Q4_K -> kQuant(src, p, dst, y, false);
                case Q5_K -> kQuant(src, p, dst, y, true);
                case Q6_K -> q6_k(src, p, dst, y);
                case Q8_K -> q8_k(src, p, dst, y);
                default -> throw new ModelFormatException("unsupported tensor type " + type);
            }
        }
    }

    /** Dequantizes {@code count} values from the start of {@code src} into a new array. */
    public static float[] dequantize(GgmlType type, MemorySegment src, int count) {
        float[] out = new float[count];
        dequantize(type, src, 0, out, 0, count);
        return out;
    }

    private static float half(MemorySegment s, long p) {
        return Float.float16ToFloat(s.get(U16, p));
    }

    private static int u8(MemorySegment s, long p) {
        return s.get(ValueLayout.JAVA_BYTE, p) & 0xFF;
    }

    private static void q4_0(MemorySegment s, long p, float[] y, int o) {
        float d = half(s, p);
        for (int j = 0; j < 16; j++) {
            int q = u8(s, p + 2 + j);
            y[o + j] = ((q & 0x0F) - 8) * d;
            y[o + j + 16] = ((q >> 4) - 8) * d;
        }
    }

    private static void q4_1(MemorySegment s, long p, float[] y, int o) {
        float d = half(s, p);
        float m = half(s, p + 2);
        for (int j = 0; j < 16; j++) {
            int q = u8(s, p + 4 + j);
            y[o + j] = (q & 0x0F) * d + m;
            y[o + j + 16] = (q >> 4) * d + m;
        }
    }

    private static void q5_0(MemorySegment s, long p, float[] y, int o) {
        float d = half(s, p);
        int qh = s.get(I32, p + 2);
        for (int j = 0; j < 16; j++) {
            int q = u8(s, p + 6 + j);
            int xh0 = ((qh >>> j) << 4) & 0x10;
            int xh1 = (qh >>> (j + 12)) & 0x10;
            y[o + j] = (((q & 0x0F) | xh0) - 16) * d;
            y[o + j + 16] = (((q >> 4) | xh1) - 16) * d;
        }
    }

    private static void q5_1(MemorySegment s, long p, float[] y, int o) {
        float d = half(s, p);
        float m = half(s, p + 2);
        int qh = s.get(I32, p + 4);
        for (int j = 0; j < 16; j++) {
            int q = u8(s, p + 8 + j);
            int xh0 = ((qh >>> j) << 4) & 0x10;
            int xh1 = (qh >>> (j + 12)) & 0x10;
            y[o + j] = ((q & 0x0F) | xh0) * d + m;
            y[o + j + 16] = ((q >> 4) | xh1) * d + m;
        }
    }

    private static void q8_0(MemorySegment s, long p, float[] y, int o) {
        float d = half(s, p);
        for (int j = 0; j < 32; j++) {
            y[o + j] = s.get(ValueLayout.JAVA_BYTE, p + 2 + j) * d;
        }
    }

    /** ggml's {@code get_scale_min_k4}: the 6-bit scale ({@code which == 0}) or minimum of sub-block {@code j}. */
    private static int scaleMinK4(MemorySegment s, long scales, int j, boolean min) {
        if (j < 4) {
            return u8(s, scales + j + (min ? 4 : 0)) & 63;
        }
        int lo = u8(s, scales + j + 4);
        int hi = u8(s, scales + j - (min ? 0 : 4)) >> 6;
        return (min ? lo >> 4 : lo & 0xF) | (hi << 4);
    }

    /**
     * Q4_K and Q5_K (ggml's {@code dequantize_row_q4_K} / {@code _q5_K}): 8 sub-blocks of 32 with
     * 6-bit scales and minimums; Q5_K adds a fifth bit per value from {@code qh}.
     */
    private static void kQuant(MemorySegment s, long p, float[] y, int o, boolean fiveBit) {
        float d = half(s, p);
        float min = half(s, p + 2);
        long scales = p + 4;
        long qh = p + 16;
        long ql = fiveBit ? p + 48 : p + 16;
        int is = 0;
        int u1 = 1;
        int u2 = 2;
        for (int j = 0; j < QK_K; j += 64) {
            float d1 = d * scaleMinK4(s, scales, is, false);
            float m1 = min * scaleMinK4(s, scales, is, true);
            float d2 = d * scaleMinK4(s, scales, is + 1, false);
            float m2 = min * scaleMinK4(s, scales, is + 1, true);
            for (int l = 0; l < 32; l++) {
                int high = fiveBit && (u8(s, qh + l) & u1) != 0 ? 16 : 0;
                y[o++] = d1 * ((u8(s, ql + l) & 0xF) + high) - m1;
            }
            for (int l = 0; l < 32; l++) {
                int high = fiveBit && (u8(s, qh + l) & u2) != 0 ? 16 : 0;
                y[o++] = d2 * ((u8(s, ql + l) >> 4) + high) - m2;
            }
            ql += 32;
            is += 2;
            u1 <<= 2;
            u2 <<= 2;
        }
    }

    private static void q6_k(MemorySegment s, long p, float[] y, int o) {
        long ql = p;
        long qh = p + 128;
        long sc = p + 192;
        float d = half(s, p + 208);
        for (int n = 0; n < QK_K; n += 128) {
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int h = u8(s, qh + l);
                int q1 = ((u8(s, ql + l) & 0xF) | ((h & 3) << 4)) - 32;
                int q2 = ((u8(s, ql + l + 32) & 0xF) | (((h >> 2) & 3) << 4)) - 32;
                int q3 = ((u8(s, ql + l) >> 4) | (((h >> 4) & 3) << 4)) - 32;
                int q4 = ((u8(s, ql + l + 32) >> 4) | (((h >> 6) & 3) << 4)) - 32;
                y[o + l] = d * s.get(ValueLayout.JAVA_BYTE, sc + is) * q1;
                y[o + l + 32] = d * s.get(ValueLayout.JAVA_BYTE, sc + is + 2) * q2;
                y[o + l + 64] = d * s.get(ValueLayout.JAVA_BYTE, sc + is + 4) * q3;
                y[o + l + 96] = d * s.get(ValueLayout.JAVA_BYTE, sc + is + 6) * q4;
            }
            o += 128;
            ql += 64;
            qh += 32;
            sc += 8;
        }
    }

    private static void q8_k(MemorySegment s, long p, float[] y, int o) {
        float d = s.get(F32, p);
        for (int j = 0; j < QK_K; j++) {
            y[o + j] = d * s.get(ValueLayout.JAVA_BYTE, p + 4 + j);
        }
    }
}
