package dev.s2s.llama.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Collects token pieces as raw bytes and releases text only up to the last complete UTF-8
 * character, so a character split over two byte tokens is never torn. Not thread-safe.
 */
public final class DirectUtf8 {

    private byte[] buf = new byte[64];
    private int len;

    /** Appends {@code n} bytes of {@code bytes}. */
    public void add(byte[] bytes, int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
        System.arraycopy(bytes, 0, buf, len, n);
        len += n;
    }

    /** The text of all complete characters so far, removed from the buffer. */
    public String flush() {
        int end = completeEnd();
        return take(end);
    }

    /** Everything left, an incomplete tail decoded as U+FFFD. */
    public String flushAll() {
        return take(len);
    }

    private String take(int end) {
        if (end == 0) {
            return "";
        }
        String s = new String(buf, 0, end, StandardCharsets.UTF_8);
        System.arraycopy(buf, end, buf, 0, len - end);
        len -= end;
        return s;
    }

    /** Length of the longest prefix that does not end inside a multi-byte sequence. */
    private int completeEnd() {
        for (int back = 1; back <= Math.min(4, len); back++) {
            int b = buf[len - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the lead
            }
            int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return need > back ? len - back : len;
        }
        return len;
    }
}
