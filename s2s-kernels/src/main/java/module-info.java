/**
 * s2s numeric kernels: {@link dev.s2s.kernels.Kernels}, with a Vector API implementation used when
 * {@code jdk.incubator.vector} is readable and a scalar one otherwise.
 */
module dev.s2s.kernels {
    requires org.slf4j;
    requires static jdk.incubator.vector;

    exports dev.s2s.kernels;
}
