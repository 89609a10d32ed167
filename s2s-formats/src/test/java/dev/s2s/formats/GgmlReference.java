package dev.s2s.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;

/**
 * ggml's own reference quantizers and dequantizers ({@code quantize_row_*_ref},
 * {@code dequantize_row_*}, {@code ggml_fp16_to_fp32_row}, {@code ggml_bf16_to_fp32_row}) from the
 * {@code libjllama.so} bundled in the java-llama.cpp jar, called through JNA. Test code only.
 */
final class GgmlReference {

    private static NativeLibrary lib;

    private GgmlReference() {
    }

    /** The library, extracted once per test JVM into a private temporary folder. */
    static synchronized NativeLibrary library() throws IOException {
        if (lib == null) {
            String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
            String arch = System.getProperty("os.arch");
            org.junit.jupiter.api.Assumptions.assumeTrue(os.contains("linux")
                    && (arch.equals("amd64") || arch.equals("x86_64")), "ggml reference only wired for Linux x86_64");
            String resource = "/de/kherud/llama/Linux/x86_64/libjllama.so";
            Path dir = Files.createTempDirectory("ggml-ref-");
            Path so = dir.resolve("libjllama.so");
            try (InputStream in = GgmlReference.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("java-llama.cpp jar has no " + resource);
                }
                Files.copy(in, so, StandardCopyOption.REPLACE_EXISTING);
            }
            so.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            NativeLibrary l = NativeLibrary.getInstance(so.toString());
            // ggml's fp16 -> fp32 lookup table is filled by ggml_init(), which llama_backend_init() calls
            l.getFunction("llama_backend_init").invokeVoid(new Object[0]);
            lib = l;
        }
        return lib;
    }

    /** ggml's suffix for a type in {@code quantize_row_<suffix>_ref}. */
    static String suffix(GgmlType t) {
        return switch (t) {
            case Q4_K, Q5_K, Q6_K, Q8_K -> t.name().substring(0, 2).toLowerCase(java.util.Locale.ROOT) + "_K";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** {@code quantize_row_<t>_ref(x, y, n)}: the quantized bytes of {@code x}. */
    static byte[] quantize(GgmlType t, float[] x) throws IOException {
        Memory in = new Memory((long) x.length * 4);
        in.write(0, x, 0, x.length);
        long bytes = t.byteSize(x.length);
        Memory out = new Memory(bytes);
        Function f = library().getFunction("quantize_row_" + suffix(t) + "_ref");
        f.invokeVoid(new Object[] {in, out, (long) x.length});
        return out.getByteArray(0, (int) bytes);
    }

    /** ggml's dequantizer of {@code t} on {@code data} holding {@code n} values. */
    static float[] dequantize(GgmlType t, byte[] data, int n) throws IOException {
        Memory in = new Memory(data.length);
        in.write(0, data, 0, data.length);
        Memory out = new Memory((long) n * 4);
        String name = switch (t) {
            case F16 -> "ggml_fp16_to_fp32_row";
            case BF16 -> "ggml_bf16_to_fp32_row";
            default -> "dequantize_row_" + suffix(t);
        };
        library().getFunction(name).invokeVoid(new Object[] {in, out, (long) n});
        return out.getFloatArray(0, n);
    }
}
