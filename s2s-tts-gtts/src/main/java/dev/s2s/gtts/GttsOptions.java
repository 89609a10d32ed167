package dev.s2s.gtts;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import dev.s2s.api.ConfigException;
import dev.s2s.api.ProviderConfig;

/**
 * Settings of a {@link GttsSynthesizer}. Build with {@link #builder()} or read from a
 * {@link ProviderConfig} with {@link #from(ProviderConfig)}; values are validated on construction
 * ({@link ConfigException} naming the setting).
 *
 * @param lang             language tag from {@link GttsLanguages} (deprecated tags are mapped)
 * @param tld              top-level domain of {@code translate.google.<tld>}; picks the accent
 *                         (e.g. {@code com.au}, {@code co.uk}, {@code co.in})
 * @param slow             speak slowly
 * @param baseUrl          the server, or {@code null} for {@code https://translate.google.<tld>};
 *                         {@code http} is only accepted for loopback hosts (tests)
 * @param connectTimeout   TCP/TLS connect timeout
 * @param readTimeout      time allowed for one complete response (headers and body)
 * @param maxRetries       retries after the first attempt on 429, 5xx, timeouts and dropped
 *                         connections
 * @param initialBackoff   wait before the first retry; doubles per retry, with jitter
 * @param maxBackoff       longest wait between retries
 * @param maxRetryAfter    longest {@code Retry-After} honoured; a longer one fails at once
 * @param cacheDir         folder of the on-disk MP3 cache, or {@code null} for no cache
 * @param langCheck        reject languages that gTTS does not list (as gTTS's {@code lang_check})
 * @param maxResponseBytes largest response body accepted
 * @param sslContext       TLS context for a custom trust store, or {@code null} for the JDK's
 *                         default; certificates and host names are always verified
 */
public record GttsOptions(String lang, String tld, boolean slow, URI baseUrl, Duration connectTimeout,
        Duration readTimeout, int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter,
        Path cacheDir, boolean langCheck, int maxResponseBytes, SSLContext sslContext) {

    private static final Pattern TLD = Pattern.compile("[a-z0-9-]+(\\.[a-z0-9-]+)*");

    /** Validates and normalises. */
    public GttsOptions {
        if (lang == null || lang.isBlank()) {
            throw new ConfigException("'lang' must not be empty (provider 'gtts')");
        }
        if (langCheck) {
            String tag = lang;
            lang = GttsLanguages.normalize(lang).orElseThrow(() -> new ConfigException("'lang': language '" + tag
                    + "' is not supported by Google Translate TTS; supported: "
                    + new java.util.TreeSet<>(GttsLanguages.all().keySet()) + " (provider 'gtts')"));
        } else {
            lang = lang.trim();
        }
        tld = tld == null ? "com" : tld.trim().toLowerCase(Locale.ROOT);
        if (tld.startsWith(".")) {
            tld = tld.substring(1);
        }
        if (!TLD.matcher(tld).matches()) {
            throw new ConfigException("'tld' must look like 'com' or 'co.uk', got '" + tld + "' (provider 'gtts')");
        }
        baseUrl = baseUrl == null ? null : checkBaseUrl(baseUrl);
        connectTimeout = positive("connectTimeout", connectTimeout);
        readTimeout = positive("readTimeout", readTimeout);
        initialBackoff = nonNegative("initialBackoff", initialBackoff);
        maxBackoff = nonNegative("maxBackoff", maxBackoff);
        maxRetryAfter = nonNegative("maxRetryAfter", maxRetryAfter);
        if (maxRetries < 0 || maxRetries > 20) {
            throw new ConfigException("'maxRetries' must be between 0 and 20, got " + maxRetries + " (provider 'gtts')");
        }
        if (maxResponseBytes < 1024) {
            throw new ConfigException("'maxResponseBytes' must be at least 1024, got " + maxResponseBytes);
        }
    }

    /** The endpoint URI: {@code <base>/_/TranslateWebserverUi/data/batchexecute}. */
    public URI endpoint() {
        String base = baseUrl == null ? "https://translate.google." + tld : baseUrl.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + dev.s2s.gtts.internal.BatchExecute.PATH);
    }

    private static URI checkBaseUrl(URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (u.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new ConfigException("'baseUrl' must be an absolute https URL, got '" + u + "' (provider 'gtts')");
        }
        if (scheme.equals("http") && !isLoopback(u.getHost())) {
            throw new ConfigException("'baseUrl' " + u + ": plain http is only allowed for a loopback host; "
                    + "use https (provider 'gtts')");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new ConfigException("'baseUrl' must not have a query or fragment, got '" + u + "'");
        }
        return u;
    }

    private static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false; // a name: do not resolve it here
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Duration positive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new ConfigException("'" + key + "' must be a positive duration, got " + d + " (provider 'gtts')");
        }
        return d;
    }

    private static Duration nonNegative(String key, Duration d) {
        if (d == null || d.isNegative()) {
            throw new ConfigException("'" + key + "' must not be negative, got " + d + " (provider 'gtts')");
        }
        return d;
    }

    /** The defaults: English, {@code com}, normal speed, 10 s connect, 30 s read, 3 retries, no cache. */
    public static GttsOptions defaults() {
        return builder().build();
    }

    /** A new builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised from these options. */
    public Builder toBuilder() {
        return new Builder().lang(lang).tld(tld).slow(slow).baseUrl(baseUrl).connectTimeout(connectTimeout)
                .readTimeout(readTimeout).maxRetries(maxRetries).initialBackoff(initialBackoff).maxBackoff(maxBackoff)
                .maxRetryAfter(maxRetryAfter).cacheDir(cacheDir).langCheck(langCheck)
                .maxResponseBytes(maxResponseBytes).sslContext(sslContext);
    }

    /**
     * Reads the provider configuration. Keys: {@code lang}, {@code tld}, {@code slow},
     * {@code baseUrl}, {@code connectTimeoutMs}, {@code readTimeoutMs}, {@code maxRetries},
     * {@code initialBackoffMs}, {@code maxBackoffMs}, {@code maxRetryAfterMs}, {@code cache} (a
     * folder; relative to the configuration file), {@code langCheck}, {@code maxResponseBytes}.
     */
    public static GttsOptions from(ProviderConfig c) {
        GttsOptions d = defaults();
        Builder b = builder()
                .lang(c.string("lang", c.string("language", d.lang())))
                .tld(c.string("tld", d.tld()))
                .slow(c.bool("slow", d.slow()))
                .connectTimeout(Duration.ofMillis(c.longValue("connectTimeoutMs", d.connectTimeout().toMillis())))
                .readTimeout(Duration.ofMillis(c.longValue("readTimeoutMs", d.readTimeout().toMillis())))
                .maxRetries(c.integer("maxRetries", d.maxRetries()))
                .initialBackoff(Duration.ofMillis(c.longValue("initialBackoffMs", d.initialBackoff().toMillis())))
                .maxBackoff(Duration.ofMillis(c.longValue("maxBackoffMs", d.maxBackoff().toMillis())))
                .maxRetryAfter(Duration.ofMillis(c.longValue("maxRetryAfterMs", d.maxRetryAfter().toMillis())))
                .cacheDir(c.path("cache"))
                .langCheck(c.bool("langCheck", d.langCheck()))
                .maxResponseBytes(c.integer("maxResponseBytes", d.maxResponseBytes()));
        String base = c.string("baseUrl");
        if (base != null && !base.isBlank()) {
            try {
                b.baseUrl(new URI(base.trim()));
            } catch (URISyntaxException e) {
                throw new ConfigException("'baseUrl' is not a valid URL: " + e.getMessage() + " (provider 'gtts')", e);
            }
        }
        return b.build();
    }

    /** Builder for {@link GttsOptions}. Not thread-safe. */
    public static final class Builder {
        private String lang = "en";
        private String tld = "com";
        private boolean slow;
        private URI baseUrl;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private int maxRetries = 3;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private Duration maxRetryAfter = Duration.ofSeconds(60);
        private Path cacheDir;
        private boolean langCheck = true;
        private int maxResponseBytes = 16 << 20;
        private SSLContext sslContext;

        private Builder() {
        }

        /** @param v language tag @return this */
        public Builder lang(String v) {
            lang = v;
            return this;
        }

        /** @param v top-level domain, e.g. {@code com.au} @return this */
        public Builder tld(String v) {
            tld = v;
            return this;
        }

        /** @param v speak slowly @return this */
        public Builder slow(boolean v) {
            slow = v;
            return this;
        }

        /** @param v server base URL, or null for Google @return this */
        public Builder baseUrl(URI v) {
            baseUrl = v;
            return this;
        }

        /** @param v connect timeout @return this */
        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        /** @param v time for one complete response @return this */
        public Builder readTimeout(Duration v) {
            readTimeout = v;
            return this;
        }

        /** @param v retries after the first attempt @return this */
        public Builder maxRetries(int v) {
            maxRetries = v;
            return this;
        }

        /** @param v first backoff @return this */
        public Builder initialBackoff(Duration v) {
            initialBackoff = v;
            return this;
        }

        /** @param v longest backoff @return this */
        public Builder maxBackoff(Duration v) {
            maxBackoff = v;
            return this;
        }

        /** @param v longest Retry-After honoured @return this */
        public Builder maxRetryAfter(Duration v) {
            maxRetryAfter = v;
            return this;
        }

        /** @param v cache folder, or null @return this */
        public Builder cacheDir(Path v) {
            cacheDir = v;
            return this;
        }

        /** @param v reject unlisted languages @return this */
        public Builder langCheck(boolean v) {
            langCheck = v;
            return this;
        }

        /** @param v largest response body in bytes @return this */
        public Builder maxResponseBytes(int v) {
            maxResponseBytes = v;
            return this;
        }

        /** @param v TLS context with a custom trust store, or null for the default @return this */
        public Builder sslContext(SSLContext v) {
            sslContext = v;
            return this;
        }

        /** @return the validated options */
        public GttsOptions build() {
            return new GttsOptions(lang, tld, slow, baseUrl, connectTimeout, readTimeout, maxRetries, initialBackoff,
                    maxBackoff, maxRetryAfter, cacheDir, langCheck, maxResponseBytes, sslContext);
        }
    }
}
