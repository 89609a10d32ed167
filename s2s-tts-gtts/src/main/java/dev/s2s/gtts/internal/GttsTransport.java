package dev.s2s.gtts.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.s2s.api.SynthesisException;

/**
 * One {@code jQ1olc} request per chunk, with connect and read timeouts, and retries with
 * exponential backoff and jitter on 429, 5xx, timeouts, dropped connections and truncated replies,
 * honouring {@code Retry-After}. TLS uses the JDK's verification (certificates and host names);
 * there is no way to turn it off. Not API. Thread-safe.
 */
public final class GttsTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GttsTransport.class);

    /** Retry and timeout settings. */
    public record Policy(Duration connectTimeout, Duration readTimeout, int maxRetries, Duration initialBackoff,
            Duration maxBackoff, Duration maxRetryAfter, int maxResponseBytes) {
    }

    /** A pause between attempts; tests replace it to run without waiting. */
    @FunctionalInterface
    public interface Sleeper {
        /** Waits {@code d}. */
        void sleep(Duration d) throws InterruptedException;
    }

    private final HttpClient client;
    private final URI endpoint;
    private final String tld;
    private final Policy policy;
    private final Sleeper sleeper;

    /**
     * @param endpoint   the batchexecute URI
     * @param tld        the tld, for error messages
     * @param sslContext custom TLS context or {@code null}
     */
    public GttsTransport(URI endpoint, String tld, Policy policy, javax.net.ssl.SSLContext sslContext, Sleeper sleeper) {
        this.endpoint = endpoint;
        this.tld = tld;
        this.policy = policy;
        this.sleeper = sleeper;
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(policy.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .proxy(java.net.ProxySelector.getDefault() == null ? HttpClient.Builder.NO_PROXY
                        : java.net.ProxySelector.getDefault());
        if (sslContext != null) {
            b.sslContext(sslContext);
        }
        this.client = b.build();
    }

    /**
     * The MP3 for one chunk.
     *
     * @throws SynthesisException with the probable cause when every attempt failed or the reply is
     *                            final (403, 404, 200 without audio, TLS failure, ...)
     */
    public byte[] fetch(String chunk, String lang, boolean slow) {
        String body = BatchExecute.requestBody(chunk, lang, slow);
        HttpRequest.Builder rb = HttpRequest.newBuilder(endpoint)
                .timeout(policy.readTimeout())
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (Map.Entry<String, String> h : BatchExecute.HEADERS.entrySet()) {
            rb.header(h.getKey(), h.getValue());
        }
        HttpRequest request = rb.build();
        int attempts = policy.maxRetries() + 1;
        String lastFailure = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Duration retryAfter = null;
            CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request,
                    info -> new LimitedSubscriber(policy.maxResponseBytes()));
            try {
                HttpResponse<byte[]> rsp = future.get(policy.readTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
                int status = rsp.statusCode();
                if (status == 200) {
                    String text = new String(rsp.body(), StandardCharsets.UTF_8);
                    try {
                        byte[] mp3 = BatchExecute.parseAudio(text);
                        if (mp3.length == 0) {
                            throw new SynthesisException(premise(200) + ". Probable cause: no audio stream in the "
                                    + "response: unsupported language '" + lang + "'");
                        }
                        return mp3;
                    } catch (BadReplyException e) {
                        lastFailure = premise(200) + " with a malformed reply: " + e.getMessage();
                    }
                } else if (status == 429 || status >= 500) {
                    lastFailure = premise(status) + (status == 429 ? "" : ". Probable cause: upstream API error");
                    retryAfter = retryAfter(rsp).orElse(null);
                    if (retryAfter != null && retryAfter.compareTo(policy.maxRetryAfter()) > 0) {
                        throw failure(status, premise(status) + " with Retry-After " + retryAfter.toSeconds()
                                + " s, longer than the " + policy.maxRetryAfter().toSeconds() + " s allowed", attempt);
                    }
                } else {
                    throw failure(status, premise(status), attempt);
                }
            } catch (TimeoutException e) {
                future.cancel(true);
                lastFailure = "no complete reply from " + endpoint.getHost() + " within " + policy.readTimeout().toMillis()
                        + " ms (read timeout)";
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new SynthesisException("interrupted while waiting for " + endpoint.getHost(), e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause() == null ? e : e.getCause();
                if (c instanceof TooLargeException) {
                    throw new SynthesisException("reply from " + endpoint + " is larger than "
                            + policy.maxResponseBytes() + " bytes; refusing it", c);
                }
                if (c instanceof SSLException) {
                    throw new SynthesisException("TLS handshake with " + endpoint.getHost() + " failed: " + c.getMessage()
                            + ". Certificates are always verified; if a proxy re-signs traffic, add its CA to the "
                            + "trust store (javax.net.ssl.trustStore) or pass an SSLContext in GttsOptions", c);
                }
                lastFailure = describe(c);
                if (c instanceof IOException && client.isTerminated()) {
                    throw new SynthesisException("the gtts synthesizer was closed during the request", c);
                }
            }
            if (attempt < attempts) {
                Duration wait = backoff(attempt, retryAfter);
                LOG.warn("gtts: attempt {}/{} failed ({}); retrying in {} ms", attempt, attempts, lastFailure,
                        wait.toMillis());
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SynthesisException("interrupted while backing off after: " + lastFailure, e);
                }
            }
        }
        if (lastFailure != null && lastFailure.startsWith("429")) {
            throw new SynthesisException(lastFailure + ". Probable cause: rate limited by Google after " + attempts
                    + " attempts. Wait a few minutes before retrying, send fewer requests, turn on the on-disk "
                    + "cache ('cache' setting) so that repeated phrases cost no request, or use the offline "
                    + "'marytts' provider");
        }
        throw new SynthesisException(lastFailure + " (gave up after " + attempts + " attempts); try again later");
    }

    private SynthesisException failure(int status, String premise, int attempt) {
        String cause;
        if (status == 403) {
            cause = "bad token or upstream API change: Google no longer accepts the request gTTS 2.5 sends";
        } else if (status == 404 && !tld.equals("com")) {
            cause = "unsupported tld '" + tld + "' (translate.google." + tld + " does not serve this API); try 'com'";
        } else if (status == 404) {
            cause = "upstream API change: the batchexecute endpoint moved";
        } else if (status == 429) {
            cause = "rate limited by Google; wait before retrying, send fewer requests or turn on the cache";
        } else if (status >= 500) {
            cause = "upstream API error; try again later";
        } else {
            cause = "unknown";
        }
        return new SynthesisException(premise + " after " + attempt + " attempt" + (attempt == 1 ? "" : "s")
                + ". Probable cause: " + cause);
    }

    private String premise(int status) {
        return status + " (" + reason(status) + ") from the TTS API at " + endpoint;
    }

    private String describe(Throwable c) {
        if (c instanceof HttpConnectTimeoutException) {
            return "cannot connect to " + endpoint.getHost() + " within " + policy.connectTimeout().toMillis()
                    + " ms (connect timeout)";
        }
        if (c instanceof HttpTimeoutException) {
            return "no reply from " + endpoint.getHost() + " within " + policy.readTimeout().toMillis()
                    + " ms (read timeout)";
        }
        if (c instanceof ConnectException) {
            String why = c.getMessage() == null ? "connection refused" : c.getMessage();
            return "failed to connect to " + endpoint.getHost() + ":" + port() + " (" + why + "). Probable cause: "
                    + (tld.equals("com") ? "no network or a proxy is needed" : "host 'translate.google." + tld
                            + "' is not reachable");
        }
        return "connection to " + endpoint.getHost() + " broke before the reply was complete: " + c;
    }

    private int port() {
        return endpoint.getPort() >= 0 ? endpoint.getPort() : "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
    }

    /** Exponential backoff with "equal jitter" (half fixed, half random), at least {@code retryAfter}. */
    Duration backoff(int attempt, Duration retryAfter) {
        long base = policy.initialBackoff().toMillis();
        long cap = policy.maxBackoff().toMillis();
        long exp = Math.min(cap, base << Math.min(attempt - 1, 20));
        long jittered = exp / 2 + (exp > 1 ? ThreadLocalRandom.current().nextLong(exp / 2 + 1) : 0);
        Duration wait = Duration.ofMillis(jittered);
        return retryAfter != null && retryAfter.compareTo(wait) > 0 ? retryAfter : wait;
    }

    /** {@code Retry-After} as delta-seconds or an HTTP date. */
    static Optional<Duration> retryAfter(HttpResponse<?> rsp) {
        Optional<String> v = rsp.headers().firstValue("Retry-After");
        if (v.isEmpty()) {
            return Optional.empty();
        }
        String s = v.get().trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(s))));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "HTTP " + status;
        };
    }

    /** Stops the HTTP client; requests in flight fail. */
    @Override
    public void close() {
        client.shutdownNow();
    }

    /** Raised when a reply exceeds the size limit. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }

    /** Collects a body up to a size limit, then cancels. */
    static final class LimitedSubscriber implements BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final int max;
        private Flow.Subscription subscription;

        LimitedSubscriber(int max) {
            this.max = max;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if ((long) out.size() + b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLargeException("reply larger than " + max + " bytes"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
