package dev.s2s.llama;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.llama.internal.DaemonAttach;

/**
 * Upstream workarounds, in a forked JVM: it exits by itself after {@code close()}
 * (java-llama.cpp#116), writes nothing to stderr (llama.cpp's log goes to SLF4J), and loads the
 * native library from a private per-process directory, not a shared fixed path.
 */
class ProcessExitTest {

    @TempDir
    Path dir;

    private Process fork(Path tmp, boolean workaround) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", cp,
                "-Djava.io.tmpdir=" + tmp, "-D" + DaemonAttach.PROPERTY + "=" + workaround,
                "-Dorg.slf4j.simpleLogger.logFile=System.out",
                "-Dorg.slf4j.simpleLogger.log.dev.s2s.llama.native=debug",
                ForkedMain.class.getName(), Models.stories().toString()));
        Files.createDirectories(tmp);
        return new ProcessBuilder(cmd).redirectOutput(dir.resolve(workaround + ".out").toFile())
                .redirectError(dir.resolve(workaround + ".err").toFile()).start();
    }

    @Test
    void aForkedJvmExitsByItselfAndKeepsStderrClean() throws Exception {
        Path tmp = dir.resolve("tmp");
        Process p = fork(tmp, true);
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("true.out"));
        String err = Files.readString(dir.resolve("true.err"));
        assertThat(exited).as("JVM exited by itself; stdout:%n%s%nstderr:%n%s", out, err).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out).contains("TEXT:" + Models.README_TEXT).contains("MAIN-RETURNS");
        assertThat(err).as("stderr").isEmpty();
        // llama.cpp's own log lines arrive through SLF4J
        assertThat(out).contains("dev.s2s.llama.native");
        // the native library came from a private directory, and nothing was put in the shared temp folder
        String libPath = out.lines().filter(l -> l.startsWith("LIBPATH:")).findFirst().orElseThrow().substring(8);
        assertThat(Path.of(libPath).getFileName().toString()).startsWith("s2s-llama-");
        assertThat(Path.of(libPath).getParent()).isEqualTo(tmp);
        try (var files = Files.list(tmp)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains("jllama"));
        }
    }

    @Test
    void withoutTheWorkaroundTheUpstreamThreadKeepsTheJvmAlive() throws Exception {
        Process p = fork(dir.resolve("tmp2"), false);
        try {
            // the program finishes its work quickly, then hangs on the non-daemon worker thread
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(dir.resolve("false.out")).contains("MAIN-RETURNS") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(dir.resolve("false.out"))).contains("MAIN-RETURNS");
            assertThat(p.waitFor(5, TimeUnit.SECONDS)).as("JVM still running 5 s after main returned").isFalse();
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
