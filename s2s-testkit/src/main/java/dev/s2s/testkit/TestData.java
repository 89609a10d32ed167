package dev.s2s.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * Locates the shared, read-only test data ({@code ../shared} beside the repository root) and
 * applies the project's skip-or-fail policy.
 *
 * <p>The repository root is found from the {@code s2s.projectRoot} system property (set by the
 * parent pom to {@code maven.multiModuleProjectDirectory}), else by walking up from the working
 * directory to the {@code pom.xml} of {@code s2s-parent}. Surefire runs inside each module's folder,
 * so the working directory alone is never trusted. {@code S2S_TEST_DATA} overrides the location.
 *
 * <p>When a file is missing, tests skip with a message, unless {@code S2S_REQUIRE_TEST_DATA=1}, in
 * which case the missing file is a failure. {@code .ci/run} sets that variable whenever the shared
 * folder exists, so a green CI never hides a skipped real-model test.
 *
 * <p>Thread-safe: stateless.
 */
public final class TestData {

    private TestData() {
    }

    /** The shared data folder, whether or not it exists. */
    public static Path root() {
        String override = System.getenv("S2S_TEST_DATA");
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath().normalize();
        }
        return projectRoot().resolve("..").resolve("shared").toAbsolutePath().normalize();
    }

    /** The repository root (the folder holding the parent pom). */
    public static Path projectRoot() {
        String prop = System.getProperty("s2s.projectRoot");
        if (prop != null && !prop.isBlank() && isParentPomDir(Path.of(prop))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        String env = System.getenv("S2S_PROJECT_ROOT");
        if (env != null && !env.isBlank() && isParentPomDir(Path.of(env))) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (isParentPomDir(p)) {
                return p;
            }
        }
        return dir;
    }

    private static boolean isParentPomDir(Path dir) {
        Path pom = dir.resolve("pom.xml");
        if (!Files.isRegularFile(pom)) {
            return false;
        }
        try {
            return Files.readString(pom).contains("<artifactId>s2s-parent</artifactId>")
                    && Files.isDirectory(dir.resolve("s2s-api"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** True when {@code S2S_REQUIRE_TEST_DATA=1}: missing data fails instead of skipping. */
    public static boolean required() {
        return "1".equals(System.getenv("S2S_REQUIRE_TEST_DATA"));
    }

    /** A shared model file, e.g. {@code model("stories260K.gguf")}; skips or fails when missing. */
    public static Path model(String name) {
        return require("models/" + name);
    }

    /** A shared fixture file, e.g. {@code fixture("whisper/jfk.mel.npy")}; skips or fails when missing. */
    public static Path fixture(String name) {
        return require("fixtures/" + name);
    }

    /** A path relative to the shared root, or empty when absent (no skip, no failure). */
    public static Optional<Path> find(String relative) {
        Path p = root().resolve(relative);
        return Files.exists(p) ? Optional.of(p) : Optional.empty();
    }

    /**
     * A path relative to the shared root. When it is missing the calling test is skipped with a
     * message, or fails when {@link #required()}.
     */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        if (Files.exists(p)) {
            return p;
        }
        String msg = "test data missing: " + p + " (set S2S_TEST_DATA to the shared folder)";
        if (required()) {
            throw new AssertionError(msg + "; S2S_REQUIRE_TEST_DATA=1 makes this a failure");
        }
        Assumptions.abort(msg);
        throw new AssertionError("unreachable");
    }

    /**
     * An environment-supplied path (e.g. {@code S2S_WHISPER_MODEL}); the test is skipped when the
     * variable is unset. These are never required: CI has no such files.
     */
    public static Path fromEnv(String variable) {
        String v = System.getenv(variable);
        Assumptions.assumeTrue(v != null && !v.isBlank(), variable + " is not set; skipping");
        Path p = Path.of(v);
        if (!Files.exists(p)) {
            throw new AssertionError(variable + " names a missing file: " + p);
        }
        return p;
    }
}
