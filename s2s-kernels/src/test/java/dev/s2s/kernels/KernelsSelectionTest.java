package dev.s2s.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Checks that the implementation chosen matches the JVM: Surefire runs this module twice, once
 * with {@code --add-modules jdk.incubator.vector} (expecting SIMD) and once without (expecting
 * the scalar fallback). The expectation comes from the {@code s2s.expect.kernels} system property
 * set by each execution; without it, it is derived from the boot layer.
 */
class KernelsSelectionTest {

    @Test
    void chosenImplementationMatchesTheJvm() {
        boolean vectorReadable = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        String expected = System.getProperty("s2s.expect.kernels", vectorReadable ? "vector" : "scalar");
        assertThat(Kernels.get().name()).startsWith(expected);
        assertThat(Kernels.scalar().name()).isEqualTo("scalar");
        if (expected.equals("scalar")) {
            assertThat(vectorReadable).as("the scalar execution must run without the Vector API").isFalse();
        }
    }
}
