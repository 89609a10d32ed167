package dev.s2s.gtts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.api.AudioClip;
import dev.s2s.api.ConfigException;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SynthesisException;
import dev.s2s.api.SynthesisOptions;
import dev.s2s.gtts.internal.BatchExecute;
import dev.s2s.gtts.internal.Mp3Decoder;

/** The gtts synthesizer against a local fake of the endpoint; nothing leaves 127.0.0.1. */
class GttsSynthesizerTest {

    private static final int N = 576;

    private FakeGoogle google;
    private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        google = FakeGoogle.start();
    }

    @AfterEach
    void stop() {
        google.close();
    }

    private GttsSynthesizer tts(Consumer<GttsOptions.Builder> tweak) {
        GttsOptions.Builder b = GttsOptions.builder().baseUrl(google.baseUrl()).maxRetries(3)
                .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(1))
                .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5));
        tweak.accept(b);
        return new GttsSynthesizer(b.build(), waits::add);
    }

    private GttsSynthesizer tts() {
        return tts(b -> { });
    }

    /** Frames the fake answers for one chunk, after the decoder delay is trimmed. */
    private static int framesFor(String chunk) {
        return chunk.length() * N - Mp3Decoder.DECODER_DELAY;
    }

    @Test
    void speaksOneChunkWithTheRequestGttsSends() {
        try (GttsSynthesizer tts = tts()) {
            AudioClip clip = tts.synthesize("Hello world.");
            assertThat(clip.sampleRate()).isEqualTo(24_000);
            assertThat(clip.channels()).isEqualTo(1);
            assertThat(clip.frames()).isEqualTo(framesFor("Hello world."));
            assertThat(tts.maxChunkChars()).isEqualTo(100);
        }
        List<FakeGoogle.Request> rs = google.requests();
        assertThat(rs).hasSize(1);
        FakeGoogle.Request r = rs.getFirst();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/_/TranslateWebserverUi/data/batchexecute");
        assertThat(r.header("Referer")).isEqualTo("http://translate.google.com/");
        assertThat(r.header("User-Agent")).isEqualTo("Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 "
                + "(KHTML, like Gecko) Chrome/47.0.2526.106 Safari/537.36");
        assertThat(r.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded;charset=utf-8");
        assertThat(r.body()).isEqualTo(BatchExecute.requestBody("Hello world.", "en", false));
        assertThat(r.text()).isEqualTo("Hello world.");
        assertThat(r.lang()).isEqualTo("en");
        assertThat(r.slow()).isFalse();
    }

    @Test
    void longTextIsSentInGttsChunksInOrderAndJoined() {
        String text = "word ".repeat(60);
        AudioClip clip;
        try (GttsSynthesizer tts = tts()) {
            clip = tts.synthesize(text);
        }
        List<String> sent = google.requests().stream().map(FakeGoogle.Request::text).toList();
        assertThat(sent).isEqualTo(GttsSynthesizer.chunks(text)).hasSize(3);
        assertThat(clip.frames()).isEqualTo(3 * framesFor(sent.getFirst()));
    }

    @Test
    void languageSlowAndDeprecatedTags() {
        try (GttsSynthesizer tts = tts(b -> b.lang("zh-cn"))) {
            assertThat(tts.options().lang()).isEqualTo("zh-CN");
            tts.synthesize("one");
            tts.synthesize("two", SynthesisOptions.builder().language("en-us").slow(true).build());
            tts.synthesize("three", SynthesisOptions.builder().language("PT-pt").build());
            assertThatThrownBy(() -> tts.synthesize("x", SynthesisOptions.builder().language("klingon").build()))
                    .isInstanceOf(SynthesisException.class).hasMessageContaining("klingon");
        }
        List<FakeGoogle.Request> rs = google.requests();
        assertThat(rs).extracting(FakeGoogle.Request::lang).containsExactly("zh-CN", "en", "pt");
        assertThat(rs).extracting(FakeGoogle.Request::slow).containsExactly(false, true, false);
        try (GttsSynthesizer slow = tts(b -> b.slow(true))) {
            slow.synthesize("four");
        }
        assertThat(google.requests().getLast().slow()).isTrue();
    }

    @Test
    void voicesSsmlAndEmptyText() {
        try (GttsSynthesizer tts = tts()) {
            assertThat(tts.voices()).isEmpty();
            assertThatThrownBy(() -> tts.synthesize("hi", SynthesisOptions.builder().voice("anna").build()))
                    .isInstanceOf(SynthesisException.class).hasMessageContaining("tld");
            assertThatThrownBy(() -> tts.synthesize("<speak>hi</speak>", SynthesisOptions.builder().ssml(true).build()))
                    .isInstanceOf(SynthesisException.class).hasMessageContaining("SSML");
            assertThat(tts.synthesize("  ...  ").isEmpty()).isTrue();
        }
        assertThat(google.requests()).isEmpty();
    }

    @Test
    void forbiddenIsNotRetriedAndNamesTheCause() {
        google.then(FakeGoogle.status(403));
        try (GttsSynthesizer tts = tts()) {
            assertThatThrownBy(() -> tts.synthesize("Hello"))
                    .isInstanceOf(SynthesisException.class)
                    .hasMessageContaining("403 (Forbidden)")
                    .hasMessageContaining("bad token or upstream API change");
        }
        assertThat(google.requests()).hasSize(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void notFoundWithAnotherTldNamesTheTld() {
        google.then(FakeGoogle.status(404), FakeGoogle.status(404));
        try (GttsSynthesizer tts = tts(b -> b.tld("xx"))) {
            assertThatThrownBy(() -> tts.synthesize("Hello"))
                    .isInstanceOf(SynthesisException.class)
                    .hasMessageContaining("404")
                    .hasMessageContaining("unsupported tld 'xx'");
        }
        try (GttsSynthesizer tts = tts()) {
            assertThatThrownBy(() -> tts.synthesize("Hello"))
                    .isInstanceOf(SynthesisException.class)
                    .hasMessageContaining("404")
                    .hasMessageNotContaining("tld");
        }
    }

    @Test
    void okWithoutAudioMeansUnsupportedLanguage() {
        google.then(FakeGoogle.noAudio());
        try (GttsSynthesizer tts = tts(b -> b.lang("fr"))) {
            assertThatThrownBy(() -> tts.synthesize("Bonjour"))
                    .isInstanceOf(SynthesisException.class)
                    .hasMessageContaining("no audio stream")
                    .hasMessageContaining("unsupported language 'fr'");
        }
        assertThat(google.requests()).hasSize(1);
    }

    @Test
    void rateLimitHonoursRetryAfterThenSucceeds() {
        google.then(FakeGoogle.status(429, "Retry-After", "2"), FakeGoogle.status(503));
        try (GttsSynthesizer tts = tts()) {
            assertThat(tts.synthesize("Hello").frames()).isEqualTo(framesFor("Hello"));
        }
        assertThat(google.requests()).hasSize(3);
        assertThat(waits).hasSize(2);
        assertThat(waits.get(0)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(waits.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void persistentRateLimitGivesAdviceAfterBackingOffExponentially() {
        google.then(FakeGoogle.status(429), FakeGoogle.status(429), FakeGoogle.status(429), FakeGoogle.status(429));
        try (GttsSynthesizer tts = tts()) {
            assertThatThrownBy(() -> tts.synthesize("Hello"))
                    .isInstanceOf(SynthesisException.class)
                    .hasMessageContaining("429 (Too Many Requests)")
                    .hasMessageContaining("rate limited")
                    .hasMessageContaining("4 attempts")
                    .hasMessageContaining("cache");
        }
        assertThat(google.requests()).hasSize(4);
        // Equal jitter: attempt i waits between half and all of 100 ms * 2^(i-1).
        assertThat(waits).hasSize(3);
        assertThat(waits.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(waits.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(waits.get(2)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void retryAfterBeyondTheLimitFailsAtOnce() {
        google.then(FakeGoogle.status(503, "Retry-After", "3600"));
        try (GttsSynthesizer tts = tts(b -> b.maxRetryAfter(Duration.ofSeconds(30)))) {
            assertThatThrownBy(() -> tts.synthesize("Hello"))
                    .isInstanceOf(SynthesisException.class)
                    .hasMessageContaining("Retry-After 3600 s")
                    .hasMessageContaining("upstream API error");
        }
        assertThat(google.requests()).hasSize(1);
    }

    @Test
    void midBodyDisconnectIsRetried() {
        google.then(FakeGoogle.disconnectMidBody());
        try (GttsSynthesizer tts = tts()) {
            assertThat(tts.synthesize("Hello").frames()).isEqualTo(framesFor("Hello"));
        }
        assertThat(google.requests()).hasSize(2);
        assertThat(waits).hasSize(1);
    }

    @Test
    void persistentDisconnectsFailClearly() {
        google.then(FakeGoogle.disconnectMidBody(), FakeGoogle.disconnectMidBody());
        try (GttsSynthesizer tts = tts(b -> b.maxRetries(1))) {
            assertThatThrownBy(() -> tts.synthesize("Hello"))
                    .isInstanceOf(SynthesisException.class)
                    .hasMessageContaining("gave up after 2 attempts")
                    .hasMessageContaining("127.0.0.1");
        }
    }

    @Test
    void readTimeoutIsRetried() {
        google.then(FakeGoogle.stall(3000));
        try (GttsSynthesizer tts = tts(b -> b.readTimeout(Duration.ofMillis(400)))) {
            assertThat(tts.synthesize("Hello").frames()).isEqualTo(framesFor("Hello"));
        }
        assertThat(waits).hasSize(1);
        google.then(FakeGoogle.stall(3000), FakeGoogle.stall(3000));
        try (GttsSynthesizer tts = tts(b -> b.readTimeout(Duration.ofMillis(400)).maxRetries(1))) {
            assertThatThrownBy(() -> tts.synthesize("Hello"))
                    .isInstanceOf(SynthesisException.class)
                    .hasMessageContaining("read timeout");
        }
    }

    @Test
    void refusedConnectionNamesTheHost() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        GttsOptions o = GttsOptions.builder().baseUrl(URI.create("http://127.0.0.1:" + port)).maxRetries(1)
                .initialBackoff(Duration.ofMillis(10)).build();
        try (GttsSynthesizer tts = new GttsSynthesizer(o, waits::add)) {
            assertThatThrownBy(() -> tts.synthesize("Hello"))
                    .isInstanceOf(SynthesisException.class)
                    .hasMessageContaining("failed to connect to 127.0.0.1:" + port)
                    .hasMessageContaining("gave up after 2 attempts");
        }
    }

    @Test
    void cacheMakesRepeatedPhrasesFree(@TempDir Path dir) throws IOException {
        Path cache = dir.resolve("cache");
        AudioClip first;
        try (GttsSynthesizer tts = tts(b -> b.cacheDir(cache))) {
            first = tts.synthesize("Hello world.");
            assertThat(tts.synthesize("Hello world.")).isEqualTo(first);
            assertThat(google.requests()).hasSize(1);
            tts.synthesize("Hello world.", SynthesisOptions.builder().slow(true).build());
            tts.synthesize("Hello world.", SynthesisOptions.builder().language("fr").build());
            assertThat(google.requests()).hasSize(3);
        }
        try (GttsSynthesizer tts = tts(b -> b.cacheDir(cache).tld("co.uk"))) {
            tts.synthesize("Hello world.");
            assertThat(google.requests()).hasSize(4);
        }
        // A new synthesizer over the same folder reuses the entries; a corrupt entry is fetched again.
        try (GttsSynthesizer tts = tts(b -> b.cacheDir(cache))) {
            assertThat(tts.synthesize("Hello world.")).isEqualTo(first);
            assertThat(google.requests()).hasSize(4);
            try (Stream<Path> files = Files.walk(cache)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.write(f, "garbage".getBytes());
                }
            }
            assertThat(tts.synthesize("Hello world.")).isEqualTo(first);
            assertThat(google.requests()).hasSize(5);
        }
    }

    @Test
    void concurrentCallsShareOneSynthesizer() throws Exception {
        List<String> texts = List.of("alpha", "beta beta", "gamma gamma gamma", "delta", "epsilon epsilon", "zeta");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (GttsSynthesizer tts = tts()) {
            List<Future<AudioClip>> fs = new ArrayList<>();
            for (String t : texts) {
                fs.add(pool.submit(() -> tts.synthesize(t)));
            }
            for (int i = 0; i < texts.size(); i++) {
                assertThat(fs.get(i).get(30, TimeUnit.SECONDS).frames()).isEqualTo(framesFor(texts.get(i)));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(google.requests()).hasSize(texts.size());
    }

    @Test
    void closedSynthesizerRefusesWork() {
        GttsSynthesizer tts = tts();
        tts.close();
        tts.close();
        assertThatThrownBy(() -> tts.synthesize("Hello")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void providerAndConfiguration() {
        Map<String, Object> cfg = Map.of("baseUrl", google.baseUrl().toString(), "lang", "en-gb", "tld", "co.uk",
                "maxRetries", 0);
        try (SpeechSynthesizer tts = S2s.synthesizer("gtts", ProviderConfig.of(cfg))) {
            assertThat(tts.maxChunkChars()).isEqualTo(100);
            assertThat(tts.synthesize("Hi").frames()).isEqualTo(framesFor("Hi"));
        }
        assertThat(google.requests().getFirst().lang()).isEqualTo("en");
        assertThatThrownBy(() -> S2s.synthesizer("gtts", ProviderConfig.of(Map.of("lang", "xx-yy"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'lang'").hasMessageContaining("xx-yy");
        assertThatThrownBy(() -> S2s.synthesizer("gtts", ProviderConfig.of(Map.of("baseUrl", "http://example.com"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("https");
        assertThatThrownBy(() -> S2s.synthesizer("gtts", ProviderConfig.of(Map.of("tld", "com/evil"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'tld'");
        assertThatThrownBy(() -> S2s.synthesizer("gtts", ProviderConfig.of(Map.of("maxRetries", -1))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'maxRetries'");
        assertThat(GttsOptions.defaults().endpoint())
                .isEqualTo(URI.create("https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"));
        assertThat(GttsOptions.builder().tld("com.au").build().endpoint().getHost()).isEqualTo("translate.google.com.au");
        assertThat(GttsOptions.builder().lang("tlh").langCheck(false).build().lang()).isEqualTo("tlh");
    }

    @Test
    void tlsCertificatesAreVerified(@TempDir Path dir) throws Exception {
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "fake", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).as(new String(out)).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        try (FakeGoogle https = FakeGoogle.startTls(serverTls)) {
            GttsOptions.Builder b = GttsOptions.builder().baseUrl(https.baseUrl()).maxRetries(2);
            try (GttsSynthesizer tts = new GttsSynthesizer(b.build(), waits::add)) {
                assertThatThrownBy(() -> tts.synthesize("Hello"))
                        .isInstanceOf(SynthesisException.class)
                        .hasMessageContaining("TLS handshake with 127.0.0.1 failed")
                        .hasMessageContaining("trust store");
            }
            assertThat(https.requests()).as("no request passes an untrusted certificate").isEmpty();
            assertThat(waits).as("a TLS failure is final, not retried").isEmpty();
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext clientTls = SSLContext.getInstance("TLS");
            clientTls.init(null, tmf.getTrustManagers(), null);
            try (GttsSynthesizer tts = new GttsSynthesizer(b.sslContext(clientTls).build(), waits::add)) {
                assertThat(tts.synthesize("Hello").frames()).isEqualTo(framesFor("Hello"));
            }
            assertThat(https.requests()).hasSize(1);
        }
    }
}
