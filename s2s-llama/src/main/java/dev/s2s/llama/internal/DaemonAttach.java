package dev.s2s.llama.internal;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works around kherud/java-llama.cpp#116: each model starts a native worker thread that attaches
 * itself to the JVM with JNI {@code AttachCurrentThread}, which makes it a <em>non-daemon</em>
 * thread that outlives {@code close()}, so a program's {@code main} never exits.
 *
 * <p>While a model loads, {@link #run} points the JVM's JNI invocation table at a copy whose
 * {@code AttachCurrentThread} entry is {@code AttachCurrentThreadAsDaemon}, waits until the new
 * worker thread is visible, and restores the original table. The worker is then a daemon thread
 * and cannot keep the JVM alive. The JVM handle comes from {@code JNI_GetCreatedJavaVMs} through
 * the FFM API. If any step is unavailable (another JVM, native access denied), the model still
 * loads and a warning says that the JVM may need {@code System.exit} to end. Setting the system
 * property {@value #PROPERTY} to {@code false} turns the workaround off.
 *
 * <p>Thread-safe: loads that use it are serialized.
 */
public final class DaemonAttach {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonAttach.class);
    /** System property that turns the workaround off ({@code false}), e.g. to demonstrate the upstream bug. */
    public static final String PROPERTY = "dev.s2s.llama.daemonWorker";
    private static final AddressLayout PTR = ValueLayout.ADDRESS;
    /** Slots of {@code JNIInvokeInterface_}: 3 reserved, DestroyJavaVM, AttachCurrentThread, ... */
    private static final int SLOTS = 8;
    private static final int ATTACH = 4;
    private static final int ATTACH_AS_DAEMON = 7;
    private static final long WAIT_NANOS = 3_000_000_000L;

    private static MemorySegment vm;
    private static MemorySegment daemonTable;
    private static boolean unavailable;

    private DaemonAttach() {
    }

    /**
     * Runs {@code load}, during which threads that attach themselves to the JVM become daemons,
     * and waits for the worker thread it starts when {@code started} says there is one.
     */
    public static synchronized <T> T run(Supplier<T> load, java.util.function.Predicate<T> started) {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
            return load.get();
        }
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        MemorySegment original = swap();
        try {
            T result = load.get();
            if (original != null && started.test(result)) {
                awaitNewThread(before);
            }
            return result;
        } finally {
            if (original != null) {
                vm.set(PTR, 0, original);
            }
        }
    }

    private static void awaitNewThread(Set<Thread> before) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!before.contains(t) && t.isDaemon() && t.getName().startsWith("Thread-")) {
                    LOG.debug("java-llama.cpp worker {} attached as a daemon", t.getName());
                    return;
                }
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("java-llama.cpp's worker thread did not appear within 3 s; it may keep the JVM alive");
    }

    /** Installs the daemon table and returns the original one, or null when unavailable. */
    private static MemorySegment swap() {
        if (unavailable) {
            return null;
        }
        try {
            if (vm == null) {
                init();
            }
            MemorySegment original = vm.get(PTR, 0);
            vm.set(PTR, 0, daemonTable);
            return original;
        } catch (Throwable e) {
            unavailable = true;
            LOG.warn("cannot make java-llama.cpp's worker thread a daemon ({}); a program may need System.exit to end"
                    + " (kherud/java-llama.cpp#116)", e.toString());
            return null;
        }
    }

    @SuppressWarnings("restricted")
    private static void init() throws Throwable {
        Path home = Path.of(System.getProperty("java.home"));
        String lib = System.mapLibraryName("jvm");
        Path jvm = null;
        for (Path p : new Path[] {home.resolve("lib/server").resolve(lib), home.resolve("bin/server").resolve(lib),
                home.resolve("lib/client").resolve(lib), home.resolve("lib").resolve(lib)}) {
            if (Files.isRegularFile(p)) {
                jvm = p;
                break;
            }
        }
        if (jvm == null) {
            throw new IllegalStateException("libjvm not found under " + home);
        }
        Linker linker = Linker.nativeLinker();
        SymbolLookup lookup = SymbolLookup.libraryLookup(jvm, Arena.global());
        MethodHandle getVms = linker.downcallHandle(lookup.find("JNI_GetCreatedJavaVMs").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, PTR, ValueLayout.JAVA_INT, PTR));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(PTR);
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            int rc = (int) getVms.invokeExact(buf, 1, count);
            if (rc != 0 || count.get(ValueLayout.JAVA_INT, 0) != 1) {
                throw new IllegalStateException("JNI_GetCreatedJavaVMs returned " + rc);
            }
            // JavaVM is a struct whose only field is the pointer to the invocation table
            MemorySegment javaVm = buf.get(PTR, 0).reinterpret(PTR.byteSize());
            MemorySegment table = javaVm.get(PTR, 0).reinterpret(SLOTS * PTR.byteSize());
            MemorySegment copy = Arena.global().allocate(SLOTS * PTR.byteSize(), PTR.byteAlignment());
            copy.copyFrom(table);
            copy.setAtIndex(PTR, ATTACH, table.getAtIndex(PTR, ATTACH_AS_DAEMON));
            daemonTable = copy;
            vm = javaVm;
        }
    }
}
