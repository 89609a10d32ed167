package dev.s2s.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves model names such as {@code whisper:base.en} to files in a cache folder, downloading
 * them from Hugging Face when needed.
 *
 * <p><b>Where:</b> {@code $S2S_HOME}, else {@code $XDG_CACHE_HOME/s2s}, else {@code ~/.cache/s2s};
 * each model at {@code <home>/<kind>/<file>} (see {@link ModelSpec#relativePath()}).
 *
 * <p><b>Downloads</b> go to {@code <endpoint>/<repo>/resolve/<revision>/<file>}, with the endpoint
 * from {@code HF_ENDPOINT} (default {@code https://huggingface.co}) and a bearer token from
 * {@code HF_TOKEN} when set. The token is sent only to the endpoint's host, never to the host a
 * redirect leads to. Bytes go to {@code <file>.part}; an interrupted download resumes from there
 * with an HTTP {@code Range} request, on the next attempt or the next run. When the whole file is
 * there its sha256 is checked against the pinned value, and only then is it renamed atomically to
 * its final name, so a file under its final name is always complete. A lock file
 * ({@code <file>.lock}, an OS file lock) stops two processes from downloading the same file at
 * once: the second waits, then finds the file in place. 401/403 and 404 fail at once; 5xx, 429
 * and broken connections are retried with back-off.
 *
 * <p><b>Offline</b> ({@code S2S_OFFLINE=1} or {@code offline(true)}) the store never touches the
 * network: a missing file raises {@link ModelStoreException} with
 * {@link ModelStoreException.Reason#MISSING_OFFLINE}, naming the missing files.
 *
 * <p>Thread-safe: downloads of the same file are serialized; different files may download in
 * parallel.
 */
public final class ModelStore {

    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);

    /** The default Hugging Face endpoint. */
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int MAX_REDIRECTS = 8;

    private final Path home;
    private final URI endpoint;
    private final String token;
    private final boolean offline;
    private final int maxAttempts;
    private final Duration retryDelay;
    private final HttpClient http;

    private ModelStore(Builder b) {
        this.home = b.home.toAbsolutePath().normalize();
        String ep = b.endpoint == null || b.endpoint.isBlank() ? DEFAULT_ENDPOINT : b.endpoint.trim();
        while (ep.endsWith("/")) {
            ep = ep.substring(0, ep.length() - 1);
        }
        this.endpoint = URI.create(ep);
        if (endpoint.getScheme() == null || endpoint.getHost() == null
                || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))) {
            throw new IllegalArgumentException("HF_ENDPOINT must be an http(s) URL, got '" + b.endpoint + "'");
        }
        this.token = b.token == null || b.token.isBlank() ? null : b.token.trim();
        this.offline = b.offline;
        this.maxAttempts = b.maxAttempts;
        this.retryDelay = b.retryDelay;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(b.connectTimeout).build();
    }

    /** A new builder; the home folder is required. */
    public static Builder builder(Path home) {
        return new Builder(home);
    }

    /**
     * A store configured from the process environment ({@code S2S_HOME}, {@code XDG_CACHE_HOME},
     * {@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code S2S_OFFLINE}).
     *
     * @param forceOffline offline even when {@code S2S_OFFLINE} is unset (the {@code --offline} flag)
     */
    public static ModelStore fromEnvironment(boolean forceOffline) {
        return fromEnvironment(System.getenv(), forceOffline);
    }

    /** As {@link #fromEnvironment(boolean)}, from the given variables. */
    public static ModelStore fromEnvironment(Map<String, String> env, boolean forceOffline) {
        String off = env.getOrDefault("S2S_OFFLINE", "");
        boolean offline = forceOffline || off.equals("1") || off.equalsIgnoreCase("true");
        return builder(defaultHome(env)).endpoint(env.get("HF_ENDPOINT")).token(env.get("HF_TOKEN"))
                .offline(offline).build();
    }

    /** {@code $S2S_HOME}, else {@code $XDG_CACHE_HOME/s2s}, else {@code ~/.cache/s2s}. */
    public static Path defaultHome(Map<String, String> env) {
        String s2s = env.get("S2S_HOME");
        if (s2s != null && !s2s.isBlank()) {
            return Path.of(s2s);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "s2s");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "s2s");
    }

    /** The cache folder. */
    public Path home() {
        return home;
    }

    /** The Hugging Face endpoint downloads use. */
    public URI endpoint() {
        return endpoint;
    }

    /** True when the store never touches the network. */
    public boolean offline() {
        return offline;
    }

    /** The spec for a name, or a {@link ModelStoreException} listing the known names. */
    public ModelSpec spec(String name) {
        Optional<ModelSpec> s;
        try {
            s = ModelSpec.lookup(name);
        } catch (IllegalArgumentException e) {
            throw new ModelStoreException(ModelStoreException.Reason.UNKNOWN_NAME, e.getMessage());
        }
        return s.orElseThrow(() -> new ModelStoreException(ModelStoreException.Reason.UNKNOWN_NAME,
                "unknown model '" + name + "'; known: "
                        + ModelSpec.defaults().stream().map(ModelSpec::name).toList()
                        + ", or hf:owner/repo/path/file[@revision]"));
    }

    /** Where {@code spec}'s file lives (or will live). */
    public Path pathOf(ModelSpec spec) {
        Path p = home.resolve(spec.relativePath()).normalize();
        if (!p.startsWith(home)) {
            throw new ModelStoreException(ModelStoreException.Reason.UNKNOWN_NAME,
                    "model " + spec.name() + " would be stored outside " + home);
        }
        return p;
    }

    /** True when {@code spec}'s file is in the store. */
    public boolean isPresent(ModelSpec spec) {
        return Files.isRegularFile(pathOf(spec));
    }

    /** The download URL of {@code spec}. */
    public URI url(ModelSpec spec) {
        StringBuilder path = new StringBuilder();
        for (String seg : spec.file().split("/")) {
            path.append('/').append(URLEncoder.encode(seg, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(endpoint + "/" + spec.repo() + "/resolve/"
                + URLEncoder.encode(spec.revision(), StandardCharsets.UTF_8) + path);
    }

    /**
     * Resolves a configuration value: an existing file path is returned as is; a model name is
     * fetched when missing (unless offline) and its path returned. Anything else is returned as a
     * path unchanged, for the provider to report.
     */
    public Path resolve(String nameOrPath, DownloadListener listener) {
        Path asPath = null;
        try {
            asPath = Path.of(nameOrPath);
        } catch (java.nio.file.InvalidPathException e) {
            // not a path; may still be a name
        }
        if (asPath != null && Files.exists(asPath)) {
            return asPath;
        }
        if (ModelSpec.looksLikeName(nameOrPath)) {
            return fetch(spec(nameOrPath), listener);
        }
        return asPath == null ? Path.of(nameOrPath) : asPath;
    }

    /**
     * Checks that every spec is present, without downloading anything.
     *
     * @throws ModelStoreException with {@code MISSING_OFFLINE} naming all missing files
     */
    public void requirePresent(List<ModelSpec> specs) {
        List<String> missing = new ArrayList<>();
        StringBuilder msg = new StringBuilder();
        for (ModelSpec s : specs) {
            if (!isPresent(s)) {
                missing.add(s.name());
                msg.append("\n  ").append(s.name()).append(" -> ").append(pathOf(s));
            }
        }
        if (!missing.isEmpty()) {
            throw new ModelStoreException(ModelStoreException.Reason.MISSING_OFFLINE,
                    "offline, and these models are not in the store:" + msg
                            + "\nrun 's2s models pull " + String.join(" ", missing)
                            + "' with network access, or unset S2S_OFFLINE / drop --offline",
                    missing, null);
        }
    }

    /**
     * The file of {@code spec}: at once when present, else downloaded (and checked) first.
     *
     * @throws ModelStoreException when offline and missing, or when the download fails
     */
    public Path fetch(ModelSpec spec, DownloadListener listener) {
        Path target = pathOf(spec);
        if (Files.isRegularFile(target)) {
            return target;
        }
        if (offline) {
            requirePresent(List.of(spec));
        }
        return download(spec, listener == null ? DownloadListener.NONE : listener);
    }

    /** The result of {@link #verify}. */
    public enum Status {
        /** Present and matching the pinned sha256. */
        OK,
        /** Present, but no sha256 is pinned for it. */
        UNPINNED,
        /** Not in the store. */
        MISSING,
        /** Present, but its sha256 differs from the pinned one. */
        MISMATCH
    }

    /**
     * What {@link #verify} found.
     *
     * @param spec   the model
     * @param file   its path in the store
     * @param status the outcome
     * @param sha256 the file's actual sha256, or null when missing
     */
    public record Verification(ModelSpec spec, Path file, Status status, String sha256) {
    }

    /** Recomputes the sha256 of {@code spec}'s file and compares it with the pinned value. */
    public Verification verify(ModelSpec spec) {
        Path p = pathOf(spec);
        if (!Files.isRegularFile(p)) {
            return new Verification(spec, p, Status.MISSING, null);
        }
        String actual = sha256(p);
        Status st = !spec.pinned() ? Status.UNPINNED : actual.equals(spec.sha256()) ? Status.OK : Status.MISMATCH;
        return new Verification(spec, p, st, actual);
    }

    /** The lowercase hex sha256 of a file. */
    public static String sha256(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(buf) >= 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new ModelStoreException(ModelStoreException.Reason.IO, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- download

    private Path download(ModelSpec spec, DownloadListener listener) {
        Path target = pathOf(spec);
        Path part = target.resolveSibling(target.getFileName() + ".part");
        Path lockPath = target.resolveSibling(target.getFileName() + ".lock");
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw new ModelStoreException(ModelStoreException.Reason.IO,
                    "cannot create " + target.getParent() + ": " + e.getMessage(), e);
        }
        ReentrantLock local = LOCKS.computeIfAbsent(target, k -> new ReentrantLock());
        if (!local.tryLock()) {
            listener.waitingForLock(spec, lockPath);
            local.lock();
        }
        try (FileChannel lockChannel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = acquire(lockChannel, spec, lockPath, listener)) {
            if (Files.isRegularFile(target)) {
                return target; // another process finished it while we waited
            }
            transfer(spec, part, listener);
            listener.verifying(spec);
            if (spec.pinned()) {
                String actual = sha256(part);
                if (!actual.equals(spec.sha256())) {
                    Files.deleteIfExists(part);
                    throw new ModelStoreException(ModelStoreException.Reason.CHECKSUM_MISMATCH,
                            "downloaded " + spec.name() + " from " + url(spec) + " but its sha256 is " + actual
                                    + ", not the pinned " + spec.sha256() + "; the partial file was deleted");
                }
            } else {
                LOG.warn("{} has no pinned sha256; accepting the download unchecked", spec.name());
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            listener.finished(spec, target);
            return target;
        } catch (IOException e) {
            throw new ModelStoreException(ModelStoreException.Reason.IO,
                    "cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            local.unlock();
        }
    }

    private static FileLock acquire(FileChannel ch, ModelSpec spec, Path lockPath, DownloadListener listener)
            throws IOException {
        FileLock l = ch.tryLock();
        if (l != null) {
            return l;
        }
        listener.waitingForLock(spec, lockPath);
        return ch.lock();
    }

    /** Fills {@code part} with the whole file, resuming and retrying as needed. */
    private void transfer(ModelSpec spec, Path part, DownloadListener listener) throws IOException {
        String lastFailure = "";
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (attempt > 1) {
                listener.retrying(spec, attempt, lastFailure);
                sleep(retryDelay.multipliedBy(1L << Math.min(attempt - 2, 5)));
            }
            long have = Files.exists(part) ? Files.size(part) : 0;
            if (spec.size() > 0 && have > spec.size()) {
                Files.delete(part);
                have = 0;
            }
            if (spec.size() > 0 && have == spec.size()) {
                return;
            }
            try {
                if (attempt(spec, part, have, listener)) {
                    return;
                }
                lastFailure = "incomplete body";
            } catch (Retryable r) {
                lastFailure = r.getMessage();
                LOG.info("download of {} failed (attempt {} of {}): {}", spec.name(), attempt, maxAttempts, lastFailure);
            }
        }
        boolean server = lastFailure.startsWith("HTTP");
        throw new ModelStoreException(server ? ModelStoreException.Reason.SERVER_ERROR : ModelStoreException.Reason.NETWORK,
                "could not download " + spec.name() + " from " + url(spec) + " after " + maxAttempts + " attempts: "
                        + lastFailure + (Files.exists(part) ? "; the partial file " + part + " is kept, and the next "
                                + "attempt resumes from it" : ""));
    }

    /** A failure worth another attempt. */
    private static final class Retryable extends Exception {
        private static final long serialVersionUID = 1L;

        Retryable(String message) {
            super(message);
        }
    }

    /** One request; true when the part file now holds the whole body. */
    private boolean attempt(ModelSpec spec, Path part, long have, DownloadListener listener)
            throws IOException, Retryable {
        HttpResponse<InputStream> rsp = send(spec, have);
        int code = rsp.statusCode();
        try (InputStream body = rsp.body()) {
            switch (code) {
                case 200, 206 -> {
                    // handled below
                }
                case 416 -> {
                    if (have > 0) {
                        return true; // the part file already holds everything; the checksum decides
                    }
                    throw new Retryable("HTTP 416 for a request from byte 0");
                }
                case 401, 403 -> throw new ModelStoreException(ModelStoreException.Reason.UNAUTHORIZED,
                        "HTTP " + code + " for " + spec.name() + " at " + url(spec) + ": the repository needs "
                                + "access" + (token == null ? "; set HF_TOKEN to a Hugging Face access token"
                                        : "; HF_TOKEN was sent but refused"));
                case 404 -> throw new ModelStoreException(ModelStoreException.Reason.NOT_FOUND,
                        "HTTP 404 for " + spec.name() + ": no file " + spec.file() + " at revision " + spec.revision()
                                + " in " + spec.repo() + " (" + url(spec) + ")");
                default -> {
                    if (code == 429 || code >= 500) {
                        throw new Retryable("HTTP " + code);
                    }
                    throw new ModelStoreException(ModelStoreException.Reason.SERVER_ERROR,
                            "unexpected HTTP " + code + " for " + spec.name() + " at " + url(spec));
                }
            }
            long start;
            long total;
            if (code == 206) {
                String cr = rsp.headers().firstValue("Content-Range").orElse("");
                Matcher m = CONTENT_RANGE.matcher(cr);
                if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                    throw new Retryable("bad Content-Range '" + cr + "' for a request from byte " + have);
                }
                start = have;
                total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
            } else {
                start = 0; // the server ignored the range: start over
                long len = rsp.headers().firstValueAsLong("Content-Length").orElse(-1);
                total = len;
            }
            if (spec.size() > 0 && total > 0 && total != spec.size()) {
                throw new ModelStoreException(ModelStoreException.Reason.CHECKSUM_MISMATCH,
                        "the server offers " + total + " bytes for " + spec.name() + ", the catalog pins "
                                + spec.size());
            }
            listener.started(spec, total > 0 ? total : spec.size(), start);
            long done = start;
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                out.truncate(start);
                out.position(start);
                byte[] buf = new byte[1 << 16];
                while (true) {
                    int n;
                    try {
                        n = body.read(buf);
                    } catch (IOException e) {
                        out.force(false);
                        throw new Retryable("connection broken after " + done + " bytes (" + e.getMessage() + ")");
                    }
                    if (n < 0) {
                        break;
                    }
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    done += n;
                    listener.progress(spec, done);
                }
                out.force(false);
            }
            return total <= 0 || done == total;
        }
    }

    /** Sends a GET, following redirects; the token goes to the endpoint's host only. */
    private HttpResponse<InputStream> send(ModelSpec spec, long from) throws Retryable {
        URI uri = url(spec);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri).GET().header("User-Agent", "s2s/0.1");
            if (from > 0) {
                rb.header("Range", "bytes=" + from + "-");
            }
            if (token != null && sameOrigin(uri, endpoint)) {
                rb.header("Authorization", "Bearer " + token);
            }
            HttpResponse<InputStream> rsp;
            try {
                rsp = http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (ConnectException e) {
                throw new Retryable("cannot connect to " + uri.getHost() + ":" + port(uri) + " (" + e.getMessage() + ")");
            } catch (IOException e) {
                throw new Retryable("network error from " + uri.getHost() + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelStoreException(ModelStoreException.Reason.NETWORK, "download of " + spec.name()
                        + " interrupted", e);
            }
            int code = rsp.statusCode();
            if (code == 301 || code == 302 || code == 303 || code == 307 || code == 308) {
                String loc = rsp.headers().firstValue("Location").orElse(null);
                closeQuietly(rsp.body());
                if (loc == null) {
                    throw new Retryable("HTTP " + code + " without a Location header");
                }
                uri = uri.resolve(loc);
                continue;
            }
            return rsp;
        }
        throw new ModelStoreException(ModelStoreException.Reason.NETWORK,
                "more than " + MAX_REDIRECTS + " redirects for " + spec.name());
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelStoreException(ModelStoreException.Reason.NETWORK, "download interrupted", e);
        }
    }

    /** Builder for {@link ModelStore}. Not thread-safe. */
    public static final class Builder {
        private final Path home;
        private String endpoint;
        private String token;
        private boolean offline;
        private int maxAttempts = 5;
        private Duration retryDelay = Duration.ofSeconds(1);
        private Duration connectTimeout = Duration.ofSeconds(30);

        private Builder(Path home) {
            this.home = Objects.requireNonNull(home, "home");
        }

        /** @param v the Hugging Face endpoint, null for the default @return this */
        public Builder endpoint(String v) {
            endpoint = v;
            return this;
        }

        /** @param v the access token, or null @return this */
        public Builder token(String v) {
            token = v;
            return this;
        }

        /** @param v never touch the network @return this */
        public Builder offline(boolean v) {
            offline = v;
            return this;
        }

        /** @param v attempts per download, at least 1 (default 5) @return this */
        public Builder maxAttempts(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1");
            }
            maxAttempts = v;
            return this;
        }

        /** @param v the first back-off delay, doubled per attempt (default 1 s) @return this */
        public Builder retryDelay(Duration v) {
            retryDelay = Objects.requireNonNull(v);
            return this;
        }

        /** @param v TCP connect timeout (default 30 s) @return this */
        public Builder connectTimeout(Duration v) {
            connectTimeout = Objects.requireNonNull(v);
            return this;
        }

        /** @return the store */
        public ModelStore build() {
            return new ModelStore(this);
        }
    }
}
