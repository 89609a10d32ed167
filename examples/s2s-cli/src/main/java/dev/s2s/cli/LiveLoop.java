package dev.s2s.cli;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.s2s.api.AudioClip;
import dev.s2s.api.CancellationToken;
import dev.s2s.api.PipelineEvent;
import dev.s2s.api.PipelineListener;
import dev.s2s.api.Reply;

/**
 * The live voice loop, without any audio device of its own: microphone frames go through an
 * {@link EnergyVad}; a finished turn goes to a {@link Responder} (e.g. a pipeline conversation)
 * on a worker thread; its audio chunks play, sentence by sentence, as they arrive; while a reply
 * is being produced or played, a {@link BargeInDetector} watches the microphone, and when the user
 * talks over the reply, the reply is cancelled, playback stops, and what the user says becomes the
 * next turn.
 *
 * <p>The devices are interfaces so that the loop can be tested with synthetic audio; the
 * {@code s2s live} command plugs in {@code javax.sound.sampled} lines. Not thread-safe: call
 * {@link #run} from one thread.
 */
public final class LiveLoop {

    /** A microphone: mono float frames. */
    public interface Microphone {
        /** The sample rate. */
        int sampleRate();

        /** Fills {@code buf} (blocking); returns the samples read, or -1 at the end of input. */
        int read(float[] buf);
    }

    /** A loudspeaker. */
    public interface Speaker {
        /** Plays {@code clip}, blocking until it has played or {@link #stop()} was called. */
        void play(AudioClip clip);

        /** Stops what is playing at once and drops anything buffered. Called from another thread. */
        void stop();

        /** The level (dBFS) of what is playing now; -120 when silent. */
        double levelDb();
    }

    /** Produces the reply to one turn, streaming its audio chunks through the listener. */
    @FunctionalInterface
    public interface Responder {
        /** @return the reply @param audio the turn @param listener events @param cancel set on barge-in */
        Reply respond(AudioClip audio, PipelineListener listener, CancellationToken cancel);
    }

    private static final Duration FRAME = Duration.ofMillis(20);
    private static final int BARGE_KEEP_FRAMES = 25; // 500 ms of the user's words before barge-in fired

    private final Microphone mic;
    private final Speaker speaker;
    private final Responder responder;
    private final EnergyVad vad;
    private final BargeInDetector barge;
    private final Consumer<String> log;

    private final BlockingQueue<AudioClip> chunks = new LinkedBlockingQueue<>();
    private final AtomicBoolean responding = new AtomicBoolean();
    private final AtomicBoolean playing = new AtomicBoolean();
    private volatile CancellationToken turnCancel = CancellationToken.none();
    private volatile long generation;
    private int turns;
    private int bargeIns;

    /**
     * @param mic       the microphone
     * @param speaker   the loudspeaker
     * @param responder makes replies
     * @param vad       turn detection at the microphone's rate
     * @param barge     barge-in detection
     * @param log       receives one line per thing that happens ("heard: ...", "barge-in")
     */
    public LiveLoop(Microphone mic, Speaker speaker, Responder responder, EnergyVad vad, BargeInDetector barge,
            Consumer<String> log) {
        this.mic = mic;
        this.speaker = speaker;
        this.responder = responder;
        this.vad = vad;
        this.barge = barge;
        this.log = log;
    }

    /** Turns handed to the responder so far. */
    public int turns() {
        return turns;
    }

    /** Times the user barged in. */
    public int bargeIns() {
        return bargeIns;
    }

    /**
     * Runs until the microphone ends or {@code stop} is set, then waits (up to a minute) for the
     * reply in progress to finish playing.
     */
    public void run(CancellationToken stop) {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "s2s-live-reply"));
        Thread player = new Thread(this::playLoop, "s2s-live-player");
        player.setDaemon(true);
        player.start();
        float[] buf = new float[Math.max(1, mic.sampleRate() / 50)];
        Deque<float[]> recent = new ArrayDeque<>();
        Future<?> current = null;
        try {
            log.accept("listening");
            while (!stop.isCancelled()) {
                int n = mic.read(buf);
                if (n < 0) {
                    break;
                }
                float[] f = Arrays.copyOf(buf, n);
                if (busy()) {
                    recent.addLast(f);
                    while (recent.size() > BARGE_KEEP_FRAMES) {
                        recent.removeFirst();
                    }
                    if (barge.accept(EnergyVad.levelDb(f, 0, f.length), speaker.levelDb(), FRAME)) {
                        bargeIns++;
                        log.accept("barge-in: stopping the reply");
                        generation++;
                        turnCancel.cancel();
                        chunks.clear();
                        speaker.stop();
                        barge.reset();
                        vad.reset();
                        for (float[] r : recent) {
                            vad.accept(r).ifPresent(this::noop);
                        }
                        recent.clear();
                    }
                    continue;
                }
                recent.clear();
                var done = vad.accept(f);
                if (done.isPresent()) {
                    current = startTurn(worker, done.get());
                }
            }
            if (current != null) {
                awaitQuietly(current);
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (busy() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            turnCancel.cancel();
            speaker.stop();
            worker.shutdownNow();
            player.interrupt();
        }
    }

    private void noop(AudioClip ignored) {
        // a turn cannot end inside the few frames replayed after barge-in
    }

    private boolean busy() {
        return responding.get() || playing.get() || !chunks.isEmpty();
    }

    private Future<?> startTurn(ExecutorService worker, AudioClip audio) {
        turns++;
        CancellationToken cancel = new CancellationToken();
        turnCancel = cancel;
        long gen = ++generation;
        responding.set(true);
        barge.reset();
        log.accept(String.format(java.util.Locale.ROOT, "turn %d: %.2f s of speech", turns, audio.seconds()));
        return worker.submit(() -> {
            try {
                responder.respond(audio, e -> {
                    if (generation != gen) {
                        return;
                    }
                    switch (e) {
                        case PipelineEvent.Recognized r -> log.accept("heard: " + r.transcript().text().strip());
                        case PipelineEvent.AudioChunk c -> {
                            log.accept("saying: " + c.text().strip());
                            playing.set(true);
                            chunks.add(c.audio());
                        }
                        default -> {
                        }
                    }
                }, cancel);
            } catch (RuntimeException ex) {
                if (!cancel.isCancelled()) {
                    log.accept("error: " + ex.getMessage());
                }
            } finally {
                responding.set(false);
            }
        });
    }

    private void playLoop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                AudioClip c = chunks.take();
                try {
                    speaker.play(c);
                } finally {
                    if (chunks.isEmpty()) {
                        playing.set(false);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(Future<?> f) throws InterruptedException {
        try {
            f.get(5, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // reported by the worker itself
        }
    }
}
