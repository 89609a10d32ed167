package dev.s2s.formats;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.s2s.api.ModelFormatException;

/**
 * Reads and writes NumPy {@code .npy} files holding little-endian float32 ({@code '<f4'}) arrays
 * in C order: the format used for golden reference data. Versions 1.0, 2.0 and 3.0 of the header
 * are read; version 1.0 is written. The header is validated (magic, dtype, order, shape, and the
 * data size against the file size); anything else raises {@link ModelFormatException}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Npy() {
    }

    /** Reads a float32 {@code .npy} file. */
    public static NpyArray read(Path path) {
        try (MappedFile f = MappedFile.open(path)) {
            if (f.size() < 10) {
                throw f.fail(0, "too short for a .npy header");
            }
            byte[] magic = f.bytes(0, 6, "magic");
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw f.fail(0, "not a .npy file (missing \\x93NUMPY magic)");
            }
            int major = f.i8(6, "version") & 0xff;
            long headerLen;
            long headerStart;
            if (major == 1) {
                headerLen = f.i16(8, "header length") & 0xffff;
                headerStart = 10;
            } else if (major == 2 || major == 3) {
                headerLen = f.i32(8, "header length") & 0xffffffffL;
                headerStart = 12;
            } else {
                throw f.fail(6, "unsupported .npy version " + major);
            }
            if (headerLen > 1 << 20) {
                throw f.fail(8, "absurd .npy header length " + headerLen);
            }
            String header = new String(f.bytes(headerStart, (int) headerLen, ".npy header"),
                    major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Matcher d = DESCR.matcher(header);
            Matcher o = ORDER.matcher(header);
            Matcher s = SHAPE.matcher(header);
            if (!d.find() || !o.find() || !s.find()) {
                throw f.fail(headerStart, "malformed .npy header: " + header.strip());
            }
            if (!d.group(1).equals("<f4")) {
                throw f.fail(headerStart, "dtype '" + d.group(1) + "' is not supported; only little-endian float32 '<f4'");
            }
            if (o.group(1).equals("True")) {
                throw f.fail(headerStart, "Fortran-order arrays are not supported; only C order");
            }
            List<Integer> dims = new ArrayList<>();
            long n = 1;
            for (String part : s.group(1).split(",")) {
                String p = part.strip();
                if (p.isEmpty()) {
                    continue;
                }
                long v;
                try {
                    v = Long.parseLong(p);
                } catch (NumberFormatException e) {
                    throw f.fail(headerStart, "bad shape entry '" + p + "'");
                }
                if (v < 0 || v > Integer.MAX_VALUE) {
                    throw f.fail(headerStart, "bad dimension " + v);
                }
                n *= v;
                if (n > Integer.MAX_VALUE - 16) {
                    throw f.fail(headerStart, "array too large for one Java array");
                }
                dims.add((int) v);
            }
            long dataStart = headerStart + headerLen;
            long bytes = n * 4;
            if (f.size() - dataStart != bytes) {
                throw f.fail(dataStart, "shape " + dims + " needs " + bytes + " data bytes but the file holds "
                        + (f.size() - dataStart));
            }
            float[] data = new float[(int) n];
            MemorySegment.copy(f.segment(), F32, dataStart, data, 0, data.length);
            return new NpyArray(dims.stream().mapToInt(Integer::intValue).toArray(), data);
        }
    }

    /** Writes {@code array} as a version 1.0 {@code '<f4'} C-order {@code .npy} file. */
    public static void write(Path path, NpyArray array) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        int[] dims = array.shape();
        for (int i = 0; i < dims.length; i++) {
            shape.append(dims[i]).append(dims.length == 1 ? "," : (i + 1 < dims.length ? ", " : ""));
        }
        shape.append(')');
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        float[] data = array.data();
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        b.asFloatBuffer().put(data);
        Files.write(path, b.array());
    }
}
