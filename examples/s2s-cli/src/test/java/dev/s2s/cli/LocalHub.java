package dev.s2s.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny Hugging Face stand-in on 127.0.0.1 for download tests: serves one file with Range
 * support, and can be told to drop connections mid-body, ignore ranges, answer with an error
 * status or redirect. Nothing leaves the machine.
 */
final class LocalHub implements AutoCloseable {

    /** What the next request gets. */
    sealed interface Behaviour {
    }

    /** Serve normally (honouring Range). */
    record Serve() implements Behaviour {
    }

    /** Announce the full length, send only {@code bytes} of the body, then drop the connection. */
    record DropAfter(int bytes) implements Behaviour {
    }

    /** Answer 200 with the whole file, ignoring any Range header. */
    record IgnoreRange() implements Behaviour {
    }

    /** Answer with this status and a short text body. */
    record Status(int code) implements Behaviour {
    }

    /** Answer 302 to this location. */
    record Redirect(String location) implements Behaviour {
    }

    /** One request as the server saw it. */
    record Seen(String path, String range, String authorization) {
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final Deque<Behaviour> script = new ArrayDeque<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final String filePath;
    private volatile byte[] content;

    LocalHub(String filePath, byte[] content) throws IOException {
        this.filePath = filePath;
        this.content = content.clone();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The endpoint, e.g. {@code http://127.0.0.1:4321}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Queues behaviours for the next requests; after the queue empties, requests are served normally. */
    synchronized LocalHub then(Behaviour... bs) {
        script.addAll(List.of(bs));
        return this;
    }

    List<Seen> requests() {
        return List.copyOf(seen);
    }

    private synchronized Behaviour next() {
        Behaviour b = script.poll();
        return b == null ? new Serve() : b;
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String range = ex.getRequestHeaders().getFirst("Range");
        seen.add(new Seen(path, range, ex.getRequestHeaders().getFirst("Authorization")));
        try (ex) {
            if (path.startsWith("/cdn/")) {
                path = path.substring(4);
            } else {
                Behaviour b = next();
                switch (b) {
                    case Status s -> {
                        byte[] msg = ("error " + s.code()).getBytes();
                        ex.sendResponseHeaders(s.code(), msg.length);
                        ex.getResponseBody().write(msg);
                        return;
                    }
                    case Redirect r -> {
                        ex.getResponseHeaders().add("Location", r.location());
                        ex.sendResponseHeaders(302, -1);
                        return;
                    }
                    case DropAfter d -> {
                        ex.sendResponseHeaders(200, content.length);
                        OutputStream out = ex.getResponseBody();
                        out.write(content, 0, d.bytes());
                        out.flush();
                        // Closing the exchange with bytes missing makes the server drop the connection.
                        return;
                    }
                    case IgnoreRange ir -> {
                        ex.sendResponseHeaders(200, content.length);
                        ex.getResponseBody().write(content);
                        return;
                    }
                    case Serve sv -> {
                        // below
                    }
                }
            }
            if (!path.equals(filePath)) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            byte[] c = content;
            if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
                long from = Long.parseLong(range.substring(6, range.length() - 1));
                if (from >= c.length) {
                    ex.getResponseHeaders().add("Content-Range", "bytes */" + c.length);
                    ex.sendResponseHeaders(416, -1);
                    return;
                }
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (c.length - 1) + "/" + c.length);
                ex.sendResponseHeaders(206, c.length - from);
                ex.getResponseBody().write(c, (int) from, (int) (c.length - from));
                return;
            }
            ex.sendResponseHeaders(200, c.length);
            ex.getResponseBody().write(c);
        } catch (IOException e) {
            // a dropped connection: expected in some tests
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
