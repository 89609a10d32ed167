package dev.s2s.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.cli.LocalHub.DropAfter;
import dev.s2s.cli.LocalHub.IgnoreRange;
import dev.s2s.cli.LocalHub.Redirect;
import dev.s2s.cli.LocalHub.Status;

class ModelStoreTest {

    private static final String PATH = "/org/repo/resolve/main/model.bin";

    @TempDir
    Path home;

    private byte[] content;
    private ModelSpec spec;
    private LocalHub hub;

    @BeforeEach
    void setUp() throws Exception {
        content = new byte[300_000];
        new Random(7).nextBytes(content);
        spec = new ModelSpec("test:model", "org/repo", "main", "model.bin", sha(content), content.length, "test");
        hub = new LocalHub(PATH, content);
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private ModelStore store() {
        return ModelStore.builder(home).endpoint(hub.endpoint()).retryDelay(Duration.ofMillis(10)).maxAttempts(4).build();
    }

    private Path part() {
        return home.resolve("test/model.bin.part");
    }

    /** Records listener calls. */
    static final class Recorder implements DownloadListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile long last;

        @Override
        public void waitingForLock(ModelSpec s, Path lock) {
            events.add("wait");
        }

        @Override
        public void started(ModelSpec s, long total, long resumedFrom) {
            events.add("start " + total + " from " + resumedFrom);
        }

        @Override
        public void progress(ModelSpec s, long done) {
            last = done;
        }

        @Override
        public void retrying(ModelSpec s, int attempt, String reason) {
            events.add("retry " + attempt + ": " + reason);
        }

        @Override
        public void finished(ModelSpec s, Path file) {
            events.add("done");
        }
    }

    @Test
    void downloadsChecksAndRenamesAtomically() throws Exception {
        Recorder rec = new Recorder();
        Path p = store().fetch(spec, rec);
        assertThat(p).isEqualTo(home.resolve("test/model.bin"));
        assertThat(Files.readAllBytes(p)).isEqualTo(content);
        assertThat(part()).doesNotExist();
        assertThat(rec.events).containsExactly("start 300000 from 0", "done");
        assertThat(rec.last).isEqualTo(content.length);
        // A second fetch finds the file and makes no request.
        int before = hub.requests().size();
        assertThat(store().fetch(spec, rec)).isEqualTo(p);
        assertThat(hub.requests()).hasSize(before);
    }

    @Test
    void resumesWithRangeAfterTheConnectionDropsMidBody() throws Exception {
        hub.then(new DropAfter(100_000));
        Recorder rec = new Recorder();
        Path p = store().fetch(spec, rec);
        assertThat(Files.readAllBytes(p)).isEqualTo(content);
        List<LocalHub.Seen> seen = hub.requests();
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).range()).isNull();
        assertThat(seen.get(1).range()).matches("bytes=\\d+-");
        long from = Long.parseLong(seen.get(1).range().replaceAll("\\D", ""));
        assertThat(from).isGreaterThan(0).isLessThanOrEqualTo(100_000);
        assertThat(rec.events).anyMatch(e -> e.startsWith("retry 2: connection broken"));
        assertThat(rec.events).contains("start 300000 from " + from);
    }

    @Test
    void resumesAPartialFileLeftByAnEarlierRun() throws Exception {
        Files.createDirectories(part().getParent());
        Files.write(part(), java.util.Arrays.copyOf(content, 123_456));
        Path p = store().fetch(spec, null);
        assertThat(Files.readAllBytes(p)).isEqualTo(content);
        assertThat(hub.requests()).singleElement().extracting(LocalHub.Seen::range).isEqualTo("bytes=123456-");
    }

    @Test
    void startsOverWhenTheServerIgnoresTheRange() throws Exception {
        Files.createDirectories(part().getParent());
        byte[] junk = new byte[50_000];
        java.util.Arrays.fill(junk, (byte) 1);
        Files.write(part(), junk);
        hub.then(new IgnoreRange());
        Path p = store().fetch(spec, null);
        assertThat(Files.readAllBytes(p)).isEqualTo(content);
    }

    @Test
    void unauthorizedFailsAtOnceAndNamesHfToken() {
        hub.then(new Status(401));
        assertThatThrownBy(() -> store().fetch(spec, null))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("HTTP 401").hasMessageContaining("HF_TOKEN")
                .extracting(e -> ((ModelStoreException) e).reason())
                .isEqualTo(ModelStoreException.Reason.UNAUTHORIZED);
        assertThat(hub.requests()).hasSize(1);
        assertThat(home.resolve("test/model.bin")).doesNotExist();
    }

    @Test
    void notFoundFailsAtOnce() {
        hub.then(new Status(404));
        assertThatThrownBy(() -> store().fetch(spec, null))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("HTTP 404").hasMessageContaining("model.bin").hasMessageContaining("org/repo")
                .extracting(e -> ((ModelStoreException) e).reason())
                .isEqualTo(ModelStoreException.Reason.NOT_FOUND);
        assertThat(hub.requests()).hasSize(1);
    }

    @Test
    void serverErrorsAreRetriedThenSucceed() throws Exception {
        hub.then(new Status(500), new Status(503));
        Recorder rec = new Recorder();
        Path p = store().fetch(spec, rec);
        assertThat(Files.readAllBytes(p)).isEqualTo(content);
        assertThat(hub.requests()).hasSize(3);
        assertThat(rec.events).contains("retry 2: HTTP 500", "retry 3: HTTP 503");
    }

    @Test
    void persistentServerErrorsFailAfterTheLastAttempt() {
        hub.then(new Status(500), new Status(500), new Status(500), new Status(500));
        assertThatThrownBy(() -> store().fetch(spec, null))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("after 4 attempts").hasMessageContaining("HTTP 500")
                .extracting(e -> ((ModelStoreException) e).reason())
                .isEqualTo(ModelStoreException.Reason.SERVER_ERROR);
        assertThat(hub.requests()).hasSize(4);
    }

    @Test
    void aChecksumMismatchDeletesThePartAndKeepsNoFile() throws Exception {
        ModelSpec wrong = new ModelSpec("test:model", "org/repo", "main", "model.bin", sha(new byte[1]),
                content.length, "test");
        assertThatThrownBy(() -> store().fetch(wrong, null))
                .isInstanceOf(ModelStoreException.class).hasMessageContaining("sha256")
                .hasMessageContaining(sha(content))
                .extracting(e -> ((ModelStoreException) e).reason())
                .isEqualTo(ModelStoreException.Reason.CHECKSUM_MISMATCH);
        assertThat(home.resolve("test/model.bin")).doesNotExist();
        assertThat(part()).doesNotExist();
    }

    @Test
    void aCompletePartFileOfUnknownSizeIsFinishedThrough416() throws Exception {
        ModelSpec unsized = new ModelSpec("test:model", "org/repo", "main", "model.bin", sha(content), -1, "t");
        Files.createDirectories(part().getParent());
        Files.write(part(), content);
        Path p = store().fetch(unsized, null);
        assertThat(Files.readAllBytes(p)).isEqualTo(content);
        assertThat(hub.requests()).singleElement().extracting(LocalHub.Seen::range).isEqualTo("bytes=300000-");
    }

    @Test
    void theTokenGoesToTheEndpointButNotToARedirectedHost() throws Exception {
        // 127.0.0.1 is the endpoint; "localhost" is another host name for the same loopback server.
        hub.then(new Redirect("http://localhost:" + hub.port() + "/cdn" + PATH));
        ModelStore s = ModelStore.builder(home).endpoint(hub.endpoint()).token("secret-token")
                .retryDelay(Duration.ofMillis(10)).build();
        Path p = s.fetch(spec, null);
        assertThat(Files.readAllBytes(p)).isEqualTo(content);
        List<LocalHub.Seen> seen = hub.requests();
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).authorization()).isEqualTo("Bearer secret-token");
        assertThat(seen.get(1).path()).startsWith("/cdn/");
        assertThat(seen.get(1).authorization()).isNull();
    }

    @Test
    void offlineNeverTouchesTheNetworkAndNamesTheMissingFiles() {
        ModelStore s = ModelStore.builder(home).endpoint(hub.endpoint()).offline(true).build();
        assertThatThrownBy(() -> s.fetch(spec, null))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("offline").hasMessageContaining("test:model")
                .hasMessageContaining(home.resolve("test/model.bin").toString())
                .extracting(e -> ((ModelStoreException) e).missing()).isEqualTo(List.of("test:model"));
        ModelSpec other = ModelSpec.lookup("whisper:base.en").orElseThrow();
        assertThatThrownBy(() -> s.requirePresent(List.of(spec, other)))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("whisper:base.en").hasMessageContaining("ggml-base.en.bin")
                .hasMessageContaining("s2s models pull test:model whisper:base.en");
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void environmentPicksHomeEndpointTokenAndOffline() {
        ModelStore s = ModelStore.fromEnvironment(Map.of("S2S_HOME", home.toString(), "HF_ENDPOINT", "http://127.0.0.1:9/",
                "S2S_OFFLINE", "1"), false);
        assertThat(s.home()).isEqualTo(home);
        assertThat(s.endpoint().toString()).isEqualTo("http://127.0.0.1:9");
        assertThat(s.offline()).isTrue();
        assertThat(s.url(ModelSpec.lookup("whisper:base.en").orElseThrow()).toString())
                .isEqualTo("http://127.0.0.1:9/ggerganov/whisper.cpp/resolve/main/ggml-base.en.bin");
        assertThat(ModelStore.defaultHome(Map.of("XDG_CACHE_HOME", "/x/cache"))).isEqualTo(Path.of("/x/cache/s2s"));
        assertThat(ModelStore.defaultHome(Map.of())).isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "s2s"));
        assertThat(ModelStore.fromEnvironment(Map.of("S2S_HOME", home.toString()), false).offline()).isFalse();
        assertThat(ModelStore.fromEnvironment(Map.of("S2S_HOME", home.toString()), true).offline()).isTrue();
        assertThat(ModelStore.fromEnvironment(Map.of("S2S_HOME", home.toString()), false).endpoint().toString())
                .isEqualTo("https://huggingface.co");
    }

    @Test
    void concurrentFetchesDownloadOnce() throws Exception {
        ModelStore s = store();
        ExecutorService ex = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fs.add(ex.submit(() -> s.fetch(spec, null)));
            }
            for (Future<Path> f : fs) {
                assertThat(Files.readAllBytes(f.get(60, TimeUnit.SECONDS))).isEqualTo(content);
            }
        } finally {
            ex.shutdownNow();
        }
        assertThat(hub.requests()).hasSize(1);
    }

    @Test
    void waitsForAnotherProcessHoldingTheLock() throws Exception {
        Path lock = home.resolve("test/model.bin.lock");
        Files.createDirectories(lock.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), lock.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream()));
            assertThat(r.readLine()).isEqualTo("locked");
            Recorder rec = new Recorder();
            CountDownLatch waiting = new CountDownLatch(1);
            AtomicBoolean released = new AtomicBoolean();
            DownloadListener l = new DownloadListener() {
                @Override
                public void waitingForLock(ModelSpec s, Path f) {
                    rec.waitingForLock(s, f);
                    waiting.countDown();
                }

                @Override
                public void started(ModelSpec s, long total, long from) {
                    rec.events.add(released.get() ? "started after release" : "started while locked");
                }
            };
            ExecutorService ex = Executors.newSingleThreadExecutor();
            try {
                Future<Path> f = ex.submit(() -> store().fetch(spec, l));
                assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(hub.requests()).isEmpty();
                released.set(true);
                child.getOutputStream().close(); // the holder releases the lock and exits
                assertThat(Files.readAllBytes(f.get(60, TimeUnit.SECONDS))).isEqualTo(content);
            } finally {
                ex.shutdownNow();
            }
            assertThat(rec.events).containsExactly("wait", "started after release");
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void verifyReportsOkMismatchMissingAndUnpinned() throws Exception {
        ModelStore s = store();
        assertThat(s.verify(spec).status()).isEqualTo(ModelStore.Status.MISSING);
        s.fetch(spec, null);
        assertThat(s.verify(spec).status()).isEqualTo(ModelStore.Status.OK);
        ModelSpec unpinned = new ModelSpec("test:model", "org/repo", "main", "model.bin", null, -1, "t");
        ModelStore.Verification v = s.verify(unpinned);
        assertThat(v.status()).isEqualTo(ModelStore.Status.UNPINNED);
        assertThat(v.sha256()).isEqualTo(sha(content));
        Files.write(home.resolve("test/model.bin"), new byte[] {1, 2, 3});
        assertThat(s.verify(spec).status()).isEqualTo(ModelStore.Status.MISMATCH);
    }

    @Test
    void namesResolveAndBadNamesAreRefused() {
        assertThat(ModelSpec.lookup("whisper:base.en")).get().extracting(ModelSpec::file).isEqualTo("ggml-base.en.bin");
        assertThat(ModelSpec.lookup("llm:qwen2.5-0.5b-instruct-q4_k_m")).get()
                .extracting(ModelSpec::relativePath).isEqualTo("llm/qwen2.5-0.5b-instruct-q4_k_m.gguf");
        ModelSpec hf = ModelSpec.lookup("hf:owner/repo/sub/x.gguf@abc123").orElseThrow();
        assertThat(hf.repo()).isEqualTo("owner/repo");
        assertThat(hf.file()).isEqualTo("sub/x.gguf");
        assertThat(hf.revision()).isEqualTo("abc123");
        assertThat(hf.pinned()).isFalse();
        assertThat(hf.relativePath()).isEqualTo("hf/owner/repo/abc123/sub/x.gguf");
        assertThat(ModelSpec.defaults()).allMatch(ModelSpec::pinned);
        assertThat(ModelSpec.looksLikeName("whisper:base.en")).isTrue();
        ModelStore offline = ModelStore.builder(home).offline(true).build();
        assertThat(offline.resolve(home.toString(), null)).isEqualTo(home);
        assertThat(offline.resolve("not/a/model.bin", null)).isEqualTo(java.nio.file.Path.of("not/a/model.bin"));
        assertThatThrownBy(() -> offline.resolve("whisper:tiny.en", null)).isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("ggml-tiny.en.bin");
        assertThat(ModelSpec.looksLikeName("/models/ggml-base.en.bin")).isFalse();
        assertThat(ModelSpec.looksLikeName("C:/models/x.bin")).isFalse();
        assertThatThrownBy(() -> store().spec("whisper:huge")).isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("unknown model 'whisper:huge'").hasMessageContaining("whisper:base.en");
        assertThatThrownBy(() -> store().spec("hf:../x")).isInstanceOf(ModelStoreException.class);
        assertThatThrownBy(() -> new ModelSpec("a:b", "o/r", "main", "../etc/passwd", null, -1, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
