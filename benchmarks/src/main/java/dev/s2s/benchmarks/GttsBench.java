package dev.s2s.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import com.sun.net.httpserver.HttpServer;

import dev.s2s.api.AudioClip;
import dev.s2s.gtts.GttsOptions;
import dev.s2s.gtts.GttsSynthesizer;
import dev.s2s.gtts.internal.BatchExecute;
import dev.s2s.gtts.internal.Mp3Decoder;

/**
 * The gtts client's own cost per request, everything except the network: request encoding, the
 * HTTP exchange with a server on 127.0.0.1 that answers a prebuilt reply at once, reply parsing,
 * base64, MP3 decoding and trimming.
 * <ul>
 * <li>{@code request}: one whole {@link GttsSynthesizer#synthesize} call (one chunk);</li>
 * <li>{@code parseReply}: {@link BatchExecute#parseAudio} alone on the same reply;</li>
 * <li>{@code decodeMp3}: {@link Mp3Decoder#decode} alone on the same MP3.</li>
 * </ul>
 * {@code request - parseReply - decodeMp3} is the HTTP round trip on loopback. The MP3 is built
 * here: MPEG-2 Layer III, 24 kHz mono, 32 kbit/s like Google's, {@code frames} frames of 24 ms,
 * each granule carrying 200 Huffman-coded spectral lines so that the decoder does real work
 * (no MP3 encoder is available to make speech; a real reply decodes at a similar cost per frame).
 * 42 frames is about one second ("Hello world."), 250 about six (a full 100-character chunk).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@Threads(1)
public class GttsBench {

    @Param({"42", "250"})
    public int frames;

    private HttpServer server;
    private ExecutorService pool;
    private GttsSynthesizer tts;
    private byte[] mp3;
    private String reply;

    @Setup(Level.Trial)
    public void start() throws IOException {
        mp3 = busyMp3(frames);
        String payload = "[\\\"" + Base64.getEncoder().encodeToString(mp3) + "\\\"]";
        String first = "[[\"wrb.fr\",\"jQ1olc\",\"" + payload + "\",null,null,null,\"generic\"],[\"di\",58]]";
        String last = "[[\"e\",4,null,null," + first.length() + "]]";
        reply = ")]}'\n\n" + (first.length() + 1) + "\n" + first + "\n" + (last.length() + 1) + "\n" + last + "\n";
        byte[] body = reply.getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pool = Executors.newFixedThreadPool(2);
        server.setExecutor(pool);
        server.createContext(BatchExecute.PATH, ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        tts = new GttsSynthesizer(GttsOptions.builder()
                .baseUrl(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .maxRetries(0).readTimeout(Duration.ofSeconds(10)).build());
        AudioClip clip = tts.synthesize("Hello world.");
        if (clip.frames() != frames * 576 - Mp3Decoder.DECODER_DELAY || clip.peak() == 0) {
            throw new IllegalStateException("unexpected decode: " + clip);
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        tts.close();
        server.stop(0);
        pool.shutdownNow();
    }

    @Benchmark
    public AudioClip request() {
        return tts.synthesize("Hello world.");
    }

    @Benchmark
    public byte[] parseReply() throws Exception {
        return BatchExecute.parseAudio(reply);
    }

    @Benchmark
    public AudioClip decodeMp3() throws Exception {
        return Mp3Decoder.decode(mp3, 1 << 24);
    }

    /** Frames whose granule holds 200 lines of value 1 (Huffman table 1, code "01" and a sign bit). */
    static byte[] busyMp3(int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pairs = 200;
        for (int i = 0; i < count; i++) {
            byte[] f = new byte[96];
            long[] bit = {32};
            f[0] = (byte) 0xFF;
            f[1] = (byte) 0xF3;
            f[2] = (byte) 0x44;
            f[3] = (byte) 0xC4;
            put(f, bit, 0, 8); // main_data_begin
            put(f, bit, 0, 1); // private
            put(f, bit, pairs * 3, 12); // part2_3_length
            put(f, bit, pairs, 9); // big_values
            put(f, bit, 190 + (i % 8), 8); // global_gain, varied per frame
            put(f, bit, 0, 9); // scalefac_compress
            put(f, bit, 0, 1); // long blocks
            put(f, bit, 1, 5);
            put(f, bit, 1, 5);
            put(f, bit, 1, 5); // table_select: table 1
            put(f, bit, 15, 4);
            put(f, bit, 7, 3); // region counts
            put(f, bit, 0, 2); // scalefac_scale, count1table_select
            for (int p = 0; p < pairs; p++) {
                put(f, bit, (p + i) % 2 == 0 ? 0b010 : 0b011, 3); // value 1, alternating sign
            }
            out.writeBytes(f);
        }
        return out.toByteArray();
    }

    private static void put(byte[] f, long[] bit, long value, int bits) {
        for (int i = bits - 1; i >= 0; i--) {
            if (((value >> i) & 1) != 0) {
                f[(int) (bit[0] >> 3)] |= (byte) (0x80 >> (bit[0] & 7));
            }
            bit[0]++;
        }
    }
}
