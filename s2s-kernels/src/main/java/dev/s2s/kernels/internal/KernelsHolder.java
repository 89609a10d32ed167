package dev.s2s.kernels.internal;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.s2s.kernels.Kernels;

/**
 * Chooses the kernel implementation once per JVM. Not API.
 *
 * <p>The SIMD class is only loaded when the {@code jdk.incubator.vector} module is in the boot
 * layer; otherwise loading it would fail with a linkage error. The system property
 * {@code s2s.kernels=scalar} forces the scalar implementation.
 */
public final class KernelsHolder {

    private static final Logger LOG = LoggerFactory.getLogger(KernelsHolder.class);

    /** The scalar implementation. */
    public static final Kernels SCALAR = new ScalarKernels();

    /** The chosen implementation. */
    public static final Kernels DEFAULT = choose();

    private KernelsHolder() {
    }

    private static Kernels choose() {
        if ("scalar".equalsIgnoreCase(System.getProperty("s2s.kernels"))) {
            LOG.info("s2s kernels: scalar (forced by -Ds2s.kernels=scalar)");
            return SCALAR;
        }
        Optional<Module> vector = ModuleLayer.boot().findModule("jdk.incubator.vector");
        if (vector.isEmpty()) {
            LOG.warn("Java Vector API not enabled; s2s uses scalar kernels. "
                    + "Start the JVM with --add-modules jdk.incubator.vector for SIMD speed.");
            return SCALAR;
        }
        try {
            Class<?> c = Class.forName("dev.s2s.kernels.internal.VectorKernels");
            Kernels k = (Kernels) c.getDeclaredConstructor().newInstance();
            LOG.debug("s2s kernels: {}", k.name());
            return k;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.warn("Java Vector API could not be used ({}); s2s uses scalar kernels.", e.toString());
            return SCALAR;
        }
    }
}
