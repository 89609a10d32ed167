/** Test support for s2s modules: the shared test-data locator. Not for production use. */
module dev.s2s.testkit {
    requires org.junit.jupiter.api;
    exports dev.s2s.testkit;
}
