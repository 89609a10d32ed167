package dev.s2s.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.TargetDataLine;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.api.AudioClip;
import dev.s2s.api.Wav;
import dev.s2s.testkit.TestData;

/** The command line as a user meets it: help, exit codes and messages. No network: a local hub only. */
class MainTest {

    @TempDir
    Path tmp;

    /** One command's exit code and output. */
    record Result(int code, String out, String err) {
    }

    static Result s2s(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        Result r = s2s("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("run", "live", "transcribe", "generate", "speak", "snap", "models", "bench",
                "S2S_HOME", "HF_TOKEN", "4 model missing", "6 no audio device");
        Result run = s2s("run", "--help");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("--in", "--text", "--out", "--method", "--config", "--offline");
        assertThat(s2s("bench", "--help").out()).contains("p50", "p95", "--json");
    }

    @Test
    void usageErrorsExitWith2() {
        assertThat(s2s("run").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(s2s("run", "--in", "a.wav", "--text", "hi").code()).isEqualTo(ExitCodes.USAGE);
        Result r = s2s("frobnicate");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("frobnicate");
        assertThat(s2s("run", "--text", "x", "--method", "telepathy").err()).contains("expected text or tokens");
    }

    @Test
    void offlineRunNamesTheMissingModelsAndExitsWith4() {
        Result r = s2s("run", "--text", "hello", "--offline", "--home", tmp.toString(), "--out",
                tmp.resolve("r.wav").toString());
        assertThat(r.code()).isEqualTo(ExitCodes.MODEL_MISSING);
        assertThat(r.err()).contains("offline", "llm:qwen2.5-0.5b-instruct-q4_k_m",
                tmp.resolve("llm/qwen2.5-0.5b-instruct-q4_k_m.gguf").toString(), "s2s models pull");
        // Text input skips recognition, so the Whisper model is not asked for.
        assertThat(r.err()).doesNotContain("whisper:base.en");
        Result all = s2s("models", "pull", "--offline", "--home", tmp.toString());
        assertThat(all.code()).isEqualTo(ExitCodes.MODEL_MISSING);
        assertThat(all.err()).contains("whisper:base.en", "llm:qwen2.5-0.5b-instruct-q4_k_m");
    }

    @Test
    void modelsListPullAndVerifyAgainstALocalHub() throws Exception {
        byte[] content = new byte[50_000];
        new Random(3).nextBytes(content);
        try (LocalHub hub = new LocalHub("/org/repo/resolve/main/m.bin", content)) {
            Result list = s2s("models", "list", "--home", tmp.toString());
            assertThat(list.code()).isZero();
            assertThat(list.out()).contains("whisper:base.en", "llm:qwen2.5-0.5b-instruct-q4_k_m", "default pipeline uses");
            Result pull = s2s("models", "pull", "hf:org/repo/m.bin", "--home", tmp.toString(), "--endpoint",
                    hub.endpoint());
            assertThat(pull.code()).as(pull.err()).isZero();
            Path file = tmp.resolve("hf/org/repo/main/m.bin");
            assertThat(Files.readAllBytes(file)).isEqualTo(content);
            assertThat(pull.err()).contains("100%");
            Result verify = s2s("models", "verify", "hf:org/repo/m.bin", "--home", tmp.toString());
            assertThat(verify.code()).isZero();
            assertThat(verify.out()).contains("unpinned", ModelStore.sha256(file));
            Result missing = s2s("models", "verify", "whisper:tiny.en", "--home", tmp.toString());
            assertThat(missing.code()).isEqualTo(ExitCodes.VERIFY_FAILED);
            assertThat(missing.out()).contains("missing", "whisper:tiny.en");
            // A pinned model whose bytes differ from the pin is refused at download.
            hub.then(new LocalHub.Redirect("/org/repo/resolve/main/m.bin"));
            Result bad = s2s("models", "pull", "whisper:tiny.en", "--home", tmp.toString(), "--endpoint",
                    hub.endpoint());
            assertThat(bad.code()).isEqualTo(ExitCodes.DOWNLOAD);
            assertThat(bad.err()).contains("whisper:tiny.en");
            Result notFound = s2s("models", "pull", "hf:org/repo/nope.bin", "--home", tmp.toString(), "--endpoint",
                    hub.endpoint());
            assertThat(notFound.code()).isEqualTo(ExitCodes.DOWNLOAD);
            assertThat(notFound.err()).contains("404");
            assertThat(s2s("models", "pull", "whisper:giant", "--home", tmp.toString()).code())
                    .isEqualTo(ExitCodes.MODEL_MISSING);
        }
    }

    @Test
    void badInputsGetTheirOwnExitCodes() throws Exception {
        Result missing = s2s("transcribe", "--in", tmp.resolve("nope.wav").toString(), "--offline", "--home",
                tmp.toString(), "--model", tmp.resolve("m.bin").toString());
        assertThat(missing.code()).isEqualTo(ExitCodes.IO);
        assertThat(missing.err()).contains("nope.wav");
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{ not json");
        Result cfg = s2s("run", "--text", "hi", "--config", bad.toString());
        assertThat(cfg.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(cfg.err()).contains("bad.json");
        Path unknown = tmp.resolve("unknown.json");
        Files.writeString(unknown, "{\"llm\": {\"provider\": \"no-such-llm\"}, \"synthesizer\": {\"provider\": \"marytts\"}}");
        Result prov = s2s("run", "--text", "hi", "--config", unknown.toString());
        assertThat(prov.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(prov.err()).contains("no-such-llm", "installed");
        Path notWav = tmp.resolve("x.wav");
        Files.writeString(notWav, "this is not a wav file");
        Result wav = s2s("transcribe", "--in", notWav.toString(), "--model", notWav.toString());
        assertThat(wav.code()).isIn(ExitCodes.IO, ExitCodes.CONFIG);
    }

    @Test
    void liveOnAHeadlessMachineSaysSoAndExitsWith6() {
        AudioFormat f = new AudioFormat(16_000, 16, 1, true, false);
        boolean hasMic;
        try {
            hasMic = AudioSystem.isLineSupported(new DataLine.Info(TargetDataLine.class, f));
        } catch (RuntimeException e) {
            hasMic = false;
        }
        Assumptions.assumeFalse(hasMic, "this machine has a microphone");
        Result r = s2s("live", "--offline", "--home", tmp.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.NO_AUDIO_DEVICE);
        assertThat(r.err()).contains("no microphone", "s2s run --in").doesNotContain("Exception", "\tat ");
    }

    @Test
    void providersAndTheEspeakPluginOnlyWhenItsJarIsGiven() throws Exception {
        Result p = s2s("providers");
        assertThat(p.code()).isZero();
        assertThat(p.out()).contains("recognizer:", "synthesizer:").doesNotContain("espeak");
        Result without = s2s("speak", "hello", "--tts", "espeak", "--out", tmp.resolve("a.wav").toString());
        assertThat(without.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(without.err()).contains("unknown synthesizer provider 'espeak'");

        Path plugin = espeakPlugin();
        Result listed = withPlugin(() -> s2s("providers", "--plugin", plugin.toString()));
        assertThat(listed.out()).contains("espeak");
        Path out = tmp.resolve("hello.wav");
        Result spoke = withPlugin(() -> s2s("speak", "hello world", "--plugin", plugin.toString(), "--tts", "espeak",
                "--out", out.toString()));
        assertThat(spoke.code()).as(spoke.err()).isZero();
        AudioClip clip = Wav.read(out);
        assertThat(clip.seconds()).isBetween(0.5, 2.5);
        assertThat(clip.rms()).isGreaterThan(0.02);
    }

    /**
     * The espeak plugin as built by the examples reactor (jar, else classes), for {@code --plugin};
     * aborts the test when it is not built or libespeak-ng is missing (a failure under
     * S2S_REQUIRE_TEST_DATA=1, where CI installs it).
     */
    static Path espeakPlugin() {
        Path jar = TestData.projectRoot().resolve("examples/espeak-plugin/target/s2s-espeak-plugin.jar");
        Path classes = TestData.projectRoot().resolve("examples/espeak-plugin/target/classes");
        Path plugin = Files.isRegularFile(jar) ? jar : classes;
        Assumptions.assumeTrue(Files.isDirectory(plugin) || Files.isRegularFile(plugin),
                "the espeak plugin is not built (build the examples reactor)");
        Assumptions.assumeTrue(espeakInstalled() || TestData.required(), "libespeak-ng is not installed");
        return plugin;
    }

    /**
     * Runs a command given {@code --plugin}, then undoes what that option changes in this JVM (the
     * context class loader and the provider registry), so later tests see no plugin.
     */
    static Result withPlugin(java.util.function.Supplier<Result> command) {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try {
            return command.get();
        } finally {
            Thread.currentThread().setContextClassLoader(before);
            dev.s2s.api.S2s.reload();
        }
    }

    private static boolean espeakInstalled() {
        return Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1"))
                || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libespeak-ng.so.1"));
    }
}
