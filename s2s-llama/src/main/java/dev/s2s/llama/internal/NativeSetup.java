package dev.s2s.llama.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.LogLevel;
import de.kherud.llama.args.LogFormat;

import dev.s2s.api.S2sException;

/**
 * Loads java-llama.cpp's native library the safe way, once per process, and bridges its log.
 *
 * <p>java-llama.cpp extracts {@code libjllama.so} to a fixed name in {@code java.io.tmpdir}, where
 * concurrent JVMs race, and its loader first deletes every {@code jllama*}/{@code llama*} file it
 * finds there, and prints to stdout. Here the library is copied into a private directory made for
 * this process ({@code Files.createTempDirectory}, owner-only), and the loader is pointed at it
 * through its {@code de.kherud.llama.lib.path} and {@code de.kherud.llama.tmpdir} properties, so it
 * neither extracts, nor prints, nor cleans a shared folder. A {@code de.kherud.llama.lib.path} the
 * user set is respected.
 *
 * <p>Thread-safe.
 */
public final class NativeSetup {

    private static final Logger LOG = LoggerFactory.getLogger(NativeSetup.class);
    /** The logger llama.cpp's own messages go to. */
    private static final Logger NATIVE = LoggerFactory.getLogger("dev.s2s.llama.native");

    private static boolean loaded;

    private NativeSetup() {
    }

    /**
     * Makes sure the native library is loaded from a private directory.
     *
     * @throws S2sException when it cannot be extracted or loaded
     */
    public static synchronized void ensureLoaded() {
        if (loaded) {
            return;
        }
        try {
            if (System.getProperty("de.kherud.llama.lib.path") == null) {
                Path dir = Files.createTempDirectory("s2s-llama-");
                dir.toFile().deleteOnExit();
                String folder = nativeFolder();
                String name = System.mapLibraryName("jllama");
                extract("/de/kherud/llama/" + folder + "/" + name, dir.resolve(name), true);
                extract("/de/kherud/llama/" + folder + "/ggml-metal.metal", dir.resolve("ggml-metal.metal"), false);
                System.setProperty("de.kherud.llama.lib.path", dir.toString());
                if (System.getProperty("de.kherud.llama.tmpdir") == null) {
                    System.setProperty("de.kherud.llama.tmpdir", dir.toString());
                }
                LOG.debug("java-llama.cpp native library extracted to {}", dir);
            } else if (System.getProperty("de.kherud.llama.tmpdir") == null) {
                System.setProperty("de.kherud.llama.tmpdir", System.getProperty("de.kherud.llama.lib.path"));
            }
            Class.forName(LlamaModel.class.getName(), true, LlamaModel.class.getClassLoader());
            loaded = true;
        } catch (IOException | ReflectiveOperationException | LinkageError e) {
            throw new S2sException("cannot load java-llama.cpp's native library: " + e, e);
        }
    }

    private static String nativeFolder() throws ReflectiveOperationException {
        // OSInfo is java-llama.cpp's own platform naming; it is package-private, so reach it reflectively
        Class<?> osInfo = Class.forName("de.kherud.llama.OSInfo", true, LlamaModel.class.getClassLoader());
        Method m = osInfo.getDeclaredMethod("getNativeLibFolderPathForCurrentOS");
        m.setAccessible(true);
        return (String) m.invoke(null);
    }

    private static void extract(String resource, Path target, boolean required) throws IOException {
        try (InputStream in = LlamaModel.class.getResourceAsStream(resource)) {
            if (in == null) {
                if (required) {
                    throw new IOException("java-llama.cpp has no native library for this platform (" + resource + ")");
                }
                return;
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        target.toFile().deleteOnExit();
    }

    /**
     * Routes llama.cpp's log to SLF4J ({@code route}) or drops it. Must be called after each model
     * load: loading resets llama.cpp's log callback. java-llama.cpp's own server log is always
     * paused (its {@code disableLog} option), so nothing goes to stderr.
     */
    public static void routeLog(boolean route) {
        LlamaModel.setLogger(LogFormat.TEXT, route ? NativeSetup::log : (level, text) -> { });
    }

    private static void log(LogLevel level, String text) {
        switch (level) {
            case ERROR -> {
                if (NATIVE.isErrorEnabled()) {
                    NATIVE.error(text.strip());
                }
            }
            case WARN -> {
                if (NATIVE.isWarnEnabled()) {
                    NATIVE.warn(text.strip());
                }
            }
            case INFO -> {
                if (NATIVE.isInfoEnabled()) {
                    NATIVE.info(text.strip());
                }
            }
            default -> {
                if (NATIVE.isDebugEnabled()) {
                    NATIVE.debug(text.strip());
                }
            }
        }
    }
}
