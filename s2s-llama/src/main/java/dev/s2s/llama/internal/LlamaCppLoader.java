package dev.s2s.llama.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import dev.s2s.api.GenerationException;

/**
 * Finds the {@code libjllama} that java-llama.cpp uses (or extracts it the way java-llama.cpp
 * would), loads it through JNA, runs a self-check and binds {@link LlamaCpp}.
 *
 * <p><b>Which file.</b> One process must use one copy of the library, so both providers share
 * their global state (backends, log callback). In order of preference:
 * <ol>
 *   <li>a {@code libjllama} already mapped into this process (read from {@code /proc/self/maps} on
 *       Linux), i.e. the file java-llama.cpp loaded;</li>
 *   <li>{@code libjllama} in the folder named by java-llama.cpp's {@code de.kherud.llama.lib.path}
 *       system property;</li>
 *   <li>otherwise it is extracted from the java-llama.cpp jar into the folder named by
 *       {@code de.kherud.llama.tmpdir} or, when that is unset, a new private per-process folder
 *       (mode 0700, deleted at exit). Both properties are then set (when unset) to that folder, so
 *       java-llama.cpp later loads the very same file, without its own extraction to the shared,
 *       racy {@code /tmp/libjllama.so}.</li>
 * </ol>
 *
 * <p><b>Self-check.</b> Before any struct crosses the boundary: the library's
 * {@code LLAMA_BUILD_NUMBER} and {@code LLAMA_COMMIT} must be those of {@link LlamaCpp}, every
 * bound symbol must be present, and on x86-64 the default-parameter functions are called into a
 * guarded buffer to prove they write no more than the declared struct sizes. Then the default
 * values are compared with the known ones. Any mismatch raises {@link GenerationException} naming
 * it instead of corrupting memory. Thread-safe (initialised once).
 */
public final class LlamaCppLoader {

    private static final Logger LOG = LoggerFactory.getLogger(LlamaCppLoader.class);
    private static final Logger NATIVE_LOG = LoggerFactory.getLogger("dev.s2s.llama.native");

    /** java-llama.cpp's property: folder it loads {@code libjllama} from. */
    public static final String LIB_PATH_PROPERTY = "de.kherud.llama.lib.path";
    /** java-llama.cpp's property: folder it extracts {@code libjllama} into. */
    public static final String TMPDIR_PROPERTY = "de.kherud.llama.tmpdir";

    private static final int MODEL_PARAMS_SIZE = 64;
    private static final int CONTEXT_PARAMS_SIZE = 120;

    private static volatile Loaded loaded;
    private static Throwable failure;

    /** The JNA log callback, kept reachable for the life of the process. */
    private static final LlamaCpp.LogCallback LOG_CALLBACK = LlamaCppLoader::log;

    private static final LlamaCpp.LogCallback DROP_CALLBACK = (level, text, user) -> { };

    /**
     * The log callback to install: SLF4J logger {@code dev.s2s.llama.native} when {@code route},
     * else one that drops everything. Either way nothing reaches stderr. Both are kept reachable
     * for the life of the process, as llama.cpp keeps the pointer.
     */
    public static LlamaCpp.LogCallback logCallback(boolean route) {
        return route ? LOG_CALLBACK : DROP_CALLBACK;
    }

    /** What was loaded. @param path the library file @param systemInfo llama_print_system_info() */
    public record Loaded(Path path, String systemInfo) {
    }

    private LlamaCppLoader() {
    }

    /** Loads, checks and binds the library once; later calls return the same result or rethrow. */
    public static Loaded load() {
        Loaded l = loaded;
        if (l != null) {
            return l;
        }
        synchronized (LlamaCppLoader.class) {
            if (loaded != null) {
                return loaded;
            }
            if (failure != null) {
                throw new GenerationException("llama.cpp native library unavailable: " + failure.getMessage(), failure);
            }
            try {
                Path path = locate();
                NativeLibrary lib = NativeLibrary.getInstance(path.toString());
                selfCheckSymbols(lib, path);
                LlamaCpp.register(lib);
                selfCheckDefaults(lib, path);
                LlamaCpp.llama_log_set(LOG_CALLBACK, null);
                LlamaCpp.llama_backend_init();
                String info = LlamaCpp.llama_print_system_info();
                LOG.debug("llama.cpp b{} loaded from {}: {}", LlamaCpp.BUILD_NUMBER, path, info);
                loaded = new Loaded(path, info);
                return loaded;
            } catch (RuntimeException | LinkageError e) {
                failure = e;
                if (e instanceof GenerationException g) {
                    throw g;
                }
                throw new GenerationException("cannot load llama.cpp through JNA: " + e.getMessage(), e);
            }
        }
    }

    private static void log(int level, Pointer text, Pointer user) {
        // ggml_log_level: 0 none, 1 debug, 2 info, 3 warn, 4 error, 5 continuation
        Level l = switch (level) {
            case 4 -> Level.ERROR;
            case 3 -> Level.WARN;
            case 2 -> Level.DEBUG; // llama.cpp is chatty at INFO: every model load prints dozens of lines
            default -> Level.TRACE;
        };
        if (NATIVE_LOG.isEnabledForLevel(l)) {
            NATIVE_LOG.atLevel(l).log(text(text));
        }
    }

    private static String text(Pointer p) {
        return p == null ? "" : p.getString(0, "UTF-8").stripTrailing();
    }

    // ---- locating -------------------------------------------------------------------------

    static Path locate() {
        String file = System.mapLibraryName("jllama");
        Optional<Path> mapped = mappedInProcess(file);
        if (mapped.isPresent()) {
            LOG.debug("using the {} already loaded in this process: {}", file, mapped.get());
            return mapped.get();
        }
        String libPath = System.getProperty(LIB_PATH_PROPERTY);
        if (libPath != null && Files.isRegularFile(Path.of(libPath, file))) {
            return Path.of(libPath, file).toAbsolutePath();
        }
        return extract(file);
    }

    /** Linux: the path of {@code file} if some mapping of this process comes from it. */
    public static Optional<Path> mappedInProcess(String file) {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(maps, StandardCharsets.UTF_8)) {
            return lines.map(l -> {
                int slash = l.indexOf('/');
                return slash < 0 ? null : l.substring(slash).strip();
            }).filter(p -> p != null && p.endsWith("/" + file)).map(Path::of).filter(Files::isRegularFile)
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static synchronized Path extract(String file) {
        String resource = "/de/kherud/llama/" + folderForCurrentOs() + "/" + file;
        try {
            String tmp = System.getProperty(TMPDIR_PROPERTY);
            Path dir;
            if (tmp != null) {
                dir = Files.createDirectories(Path.of(tmp));
            } else {
                dir = Files.createTempDirectory("s2s-jllama-");
                dir.toFile().deleteOnExit();
                System.setProperty(TMPDIR_PROPERTY, dir.toString());
            }
            Path target = dir.resolve(file).toAbsolutePath();
            if (!Files.isRegularFile(target)) {
                try (InputStream in = resourceStream(resource)) {
                    if (in == null) {
                        throw new GenerationException("java-llama.cpp has no native library for this platform: "
                                + resource + " is not on the class path");
                    }
                    Path part = Files.createTempFile(dir, file, ".part");
                    Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
                }
                target.toFile().deleteOnExit();
            }
            if (System.getProperty(LIB_PATH_PROPERTY) == null) {
                System.setProperty(LIB_PATH_PROPERTY, dir.toString());
            }
            return target;
        } catch (IOException e) {
            throw new GenerationException("cannot extract " + resource + ": " + e.getMessage(), e);
        }
    }

    private static InputStream resourceStream(String resource) {
        try {
            Class<?> anchor = Class.forName("de.kherud.llama.LlamaModel", false, LlamaCppLoader.class.getClassLoader());
            return anchor.getResourceAsStream(resource);
        } catch (ClassNotFoundException e) {
            return LlamaCppLoader.class.getResourceAsStream(resource);
        }
    }

    /** java-llama.cpp's folder naming: {@code Linux/x86_64}, {@code Mac/aarch64}, {@code Windows/x86_64}. */
    static String folderForCurrentOs() {
        String os = Platform.isWindows() ? "Windows" : Platform.isMac() ? "Mac"
                : Platform.isAndroid() ? "Linux-Android" : Platform.isLinux() ? "Linux" : System.getProperty("os.name");
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        arch = switch (arch) {
            case "amd64", "x86_64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            case "x86", "i386", "i486", "i586", "i686" -> "x86";
            default -> arch;
        };
        return os + "/" + arch;
    }

    // ---- self-check ------------------------------------------------------------------------

    private static void selfCheckSymbols(NativeLibrary lib, Path path) {
        int build;
        String commit;
        try {
            build = lib.getGlobalVariableAddress("LLAMA_BUILD_NUMBER").getInt(0);
            commit = lib.getGlobalVariableAddress("LLAMA_COMMIT").getPointer(0).getString(0, "US-ASCII");
        } catch (UnsatisfiedLinkError e) {
            throw new GenerationException(path + " does not export LLAMA_BUILD_NUMBER/LLAMA_COMMIT: not a llama.cpp "
                    + "library this binding can check", e);
        }
        if (build != LlamaCpp.BUILD_NUMBER || !commit.startsWith(LlamaCpp.COMMIT)) {
            throw new GenerationException(path + " is llama.cpp build " + build + " (" + commit + "), but llama-direct "
                    + "binds the struct layouts of build " + LlamaCpp.BUILD_NUMBER + " (" + LlamaCpp.COMMIT
                    + ", the one inside de.kherud:llama 4.2.0); refusing to call it");
        }
        List<String> missing = new ArrayList<>();
        for (String f : LlamaCpp.FUNCTIONS) {
            try {
                lib.getFunction(f);
            } catch (UnsatisfiedLinkError e) {
                missing.add(f);
            }
        }
        if (!missing.isEmpty()) {
            throw new GenerationException(path + " lacks llama.cpp functions " + missing);
        }
    }

    private static void selfCheckDefaults(NativeLibrary lib, Path path) {
        if (Platform.isIntel() && Platform.is64Bit() && !Platform.isWindows()) {
            // SysV x86-64 returns large structs through a hidden pointer in the first argument
            // register: call through a guarded buffer and see how far the callee writes.
            checkWrittenSize(lib, path, "llama_model_default_params", MODEL_PARAMS_SIZE);
            checkWrittenSize(lib, path, "llama_context_default_params", CONTEXT_PARAMS_SIZE);
        }
        LlamaCpp.ModelParams m = LlamaCpp.llama_model_default_params();
        LlamaCpp.ContextParams c = LlamaCpp.llama_context_default_params();
        List<String> bad = new ArrayList<>();
        expect(bad, "sizeof(llama_model_params)", m.size(), Platform.is64Bit() ? MODEL_PARAMS_SIZE : m.size());
        expect(bad, "sizeof(llama_context_params)", c.size(), Platform.is64Bit() ? CONTEXT_PARAMS_SIZE : c.size());
        expect(bad, "model.split_mode", m.split_mode, 1);
        expect(bad, "model.main_gpu", m.main_gpu, 0);
        expect(bad, "model.vocab_only", m.vocab_only, 0);
        expect(bad, "model.use_mmap", m.use_mmap, 1);
        expect(bad, "model.use_mlock", m.use_mlock, 0);
        expect(bad, "context.n_ctx", c.n_ctx, 512);
        expect(bad, "context.n_batch", c.n_batch, 2048);
        expect(bad, "context.n_ubatch", c.n_ubatch, 512);
        expect(bad, "context.n_seq_max", c.n_seq_max, 1);
        expect(bad, "context.rope_scaling_type", c.rope_scaling_type, -1);
        expect(bad, "context.pooling_type", c.pooling_type, -1);
        expect(bad, "context.attention_type", c.attention_type, -1);
        expect(bad, "context.yarn_ext_factor", c.yarn_ext_factor, -1f);
        expect(bad, "context.yarn_attn_factor", c.yarn_attn_factor, 1f);
        expect(bad, "context.yarn_beta_fast", c.yarn_beta_fast, 32f);
        expect(bad, "context.yarn_beta_slow", c.yarn_beta_slow, 1f);
        expect(bad, "context.defrag_thold", c.defrag_thold, -1f);
        expect(bad, "context.type_k", c.type_k, 1);
        expect(bad, "context.type_v", c.type_v, 1);
        expect(bad, "context.logits_all", c.logits_all, 0);
        expect(bad, "context.embeddings", c.embeddings, 0);
        expect(bad, "context.offload_kqv", c.offload_kqv, 1);
        expect(bad, "context.no_perf", c.no_perf, 1);
        expect(bad, "sampler_chain.no_perf", LlamaCpp.llama_sampler_chain_default_params(), 1);
        if (!bad.isEmpty()) {
            throw new GenerationException(path + ": default parameters differ from llama.cpp b" + LlamaCpp.BUILD_NUMBER
                    + ", the struct layouts do not match: " + bad);
        }
    }

    private static void checkWrittenSize(NativeLibrary lib, Path path, String function, int size) {
        int guard = 512;
        Memory buf = new Memory(guard);
        byte canary = (byte) 0xA5;
        buf.setMemory(0, guard, canary);
        lib.getFunction(function).invokePointer(new Object[] {buf});
        int last = -1;
        for (int i = 0; i < guard; i++) {
            if (buf.getByte(i) != canary) {
                last = i;
            }
        }
        if (last >= size) {
            throw new GenerationException(path + ": " + function + " writes " + (last + 1) + " bytes, but this binding's "
                    + "struct has " + size + "; the library does not match llama.cpp b" + LlamaCpp.BUILD_NUMBER);
        }
    }

    private static void expect(List<String> bad, String what, Number actual, Number expected) {
        if (Double.compare(actual.doubleValue(), expected.doubleValue()) != 0) {
            bad.add(what + " = " + actual + " (expected " + expected + ")");
        }
    }
}
