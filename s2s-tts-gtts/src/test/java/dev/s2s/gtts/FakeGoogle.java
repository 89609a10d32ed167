package dev.s2s.gtts;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import dev.s2s.gtts.internal.BatchExecute;
import dev.s2s.gtts.internal.FakeReplies;
import dev.s2s.gtts.internal.Mp3Fixtures;

/**
 * A local stand-in for translate.google.com's batchexecute endpoint on 127.0.0.1, speaking the
 * protocol: it decodes {@code f.req}, records each request, and answers with silent MP3 frames
 * (one frame per character of the chunk, so durations tell chunks apart). Scripted faults
 * (status codes, Retry-After, a body cut off mid-way, a stall) are served first, in order.
 */
final class FakeGoogle implements AutoCloseable {

    /** One request as the server saw it. */
    record Request(String method, String path, Map<String, List<String>> headers, String body, String text,
            String lang, boolean slow) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().getFirst();
                }
            }
            return null;
        }
    }

    /** A scripted answer. */
    @FunctionalInterface
    interface Behaviour {
        void answer(HttpExchange ex, Request r) throws IOException, InterruptedException;
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ConcurrentLinkedDeque<Behaviour> script = new ConcurrentLinkedDeque<>();
    private final List<Request> requests = new java.util.concurrent.CopyOnWriteArrayList<>();

    private FakeGoogle(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    /** A plain-HTTP server on 127.0.0.1 and a free port. */
    static FakeGoogle start() throws IOException {
        return new FakeGoogle(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
    }

    /** An HTTPS server with the given TLS context. */
    static FakeGoogle startTls(SSLContext tls) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new FakeGoogle(s);
    }

    URI baseUrl() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** Queues scripted answers, served before the default audio answer. */
    FakeGoogle then(Behaviour... bs) {
        for (Behaviour b : bs) {
            script.addLast(b);
        }
        return this;
    }

    /** The MP3 the server answers for {@code text}: one silent frame per character. */
    static byte[] mp3For(String text) {
        return Mp3Fixtures.silence(text.length());
    }

    static Behaviour status(int code, String... headers) {
        return (ex, r) -> {
            for (int i = 0; i + 1 < headers.length; i += 2) {
                ex.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
            byte[] body = ("<html>error " + code + "</html>").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(code, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        };
    }

    static Behaviour noAudio() {
        return (ex, r) -> send(ex, 200, FakeReplies.noAudioReply());
    }

    /** Declares the full length, sends half the body, then drops the connection. */
    static Behaviour disconnectMidBody() {
        return (ex, r) -> {
            byte[] full = FakeReplies.audioReply(mp3For(r.text())).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, full.length);
            OutputStream out = ex.getResponseBody();
            out.write(full, 0, full.length / 2);
            out.flush();
            ex.close(); // fewer bytes than declared: the server drops the connection
        };
    }

    /** Waits before answering normally. */
    static Behaviour stall(long millis) {
        return (ex, r) -> {
            Thread.sleep(millis);
            audio().answer(ex, r);
        };
    }

    static Behaviour audio() {
        return (ex, r) -> send(ex, 200, FakeReplies.audioReply(mp3For(r.text())));
    }

    private static void send(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request r = parse(ex, body);
            requests.add(r);
            if (!ex.getRequestMethod().equals("POST") || !ex.getRequestURI().getPath().equals(BatchExecute.PATH)) {
                status(404).answer(ex, r);
                return;
            }
            Behaviour b = script.pollFirst();
            (b == null ? audio() : b).answer(ex, r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.close();
        } catch (RuntimeException e) {
            byte[] msg = e.toString().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(400, msg.length);
            ex.getResponseBody().write(msg);
            ex.close();
        }
    }

    /** Decodes {@code f.req=<quoted JSON>&} into the inner [text, lang, slow, "null"]. */
    private static Request parse(HttpExchange ex, String body) throws IOException {
        String text = null;
        String lang = null;
        boolean slow = false;
        if (body.startsWith("f.req=") && body.endsWith("&")) {
            String json = URLDecoder.decode(body.substring(6, body.length() - 1), StandardCharsets.UTF_8);
            JsonNode rpc = MAPPER.readTree(json).get(0).get(0);
            if (!BatchExecute.RPC_ID.equals(rpc.get(0).asText()) || !"generic".equals(rpc.get(3).asText())) {
                throw new IllegalArgumentException("unexpected rpc " + rpc);
            }
            JsonNode inner = MAPPER.readTree(rpc.get(1).asText());
            text = inner.get(0).asText();
            lang = inner.get(1).asText();
            slow = inner.get(2).asBoolean(false);
            if (!"null".equals(inner.get(3).asText())) {
                throw new IllegalArgumentException("unexpected inner " + inner);
            }
        }
        return new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()), body,
                text, lang, slow);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
