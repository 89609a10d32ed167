package dev.s2s.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.s2s.api.AudioClip;
import dev.s2s.api.CancellationToken;
import dev.s2s.api.PipelineEvent;
import dev.s2s.api.Reply;

/**
 * The live loop with test doubles for the devices (there is no sound card here): a microphone that
 * plays back synthetic audio at twice real time, and a loudspeaker that "plays" by waiting.
 */
class LiveLoopTest {

    private static final int RATE = 16_000;
    private static final double SPEED = 2.0;

    /** Delivers a signal in real-time-paced 20 ms frames. */
    static final class PacedMic implements LiveLoop.Microphone {
        private final float[] signal;
        private int pos;
        private final long start = System.nanoTime();

        PacedMic(float[] signal) {
            this.signal = signal;
        }

        @Override
        public int sampleRate() {
            return RATE;
        }

        @Override
        public int read(float[] buf) {
            if (pos >= signal.length) {
                return -1;
            }
            int n = Math.min(buf.length, signal.length - pos);
            System.arraycopy(signal, pos, buf, 0, n);
            pos += n;
            long due = start + (long) (pos * 1e9 / RATE / SPEED);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return n;
        }

        double seconds() {
            return pos / (double) RATE;
        }
    }

    /** Waits as long as a clip lasts; records what it played and whether it was stopped. */
    static final class FakeSpeaker implements LiveLoop.Speaker {
        final List<String> log = new CopyOnWriteArrayList<>();
        private volatile boolean stopped;
        private volatile double level = -120;

        @Override
        public void play(AudioClip clip) {
            stopped = false;
            level = -10;
            log.add("play " + clip.frames());
            long end = System.nanoTime() + (long) (clip.seconds() * 1e9 / SPEED);
            while (System.nanoTime() < end && !stopped) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            level = -120;
            log.add(stopped ? "cut " + clip.frames() : "done " + clip.frames());
        }

        @Override
        public void stop() {
            stopped = true;
            level = -120;
            log.add("stop");
        }

        @Override
        public double levelDb() {
            return level;
        }
    }

    /** Answers each turn with chunks of the given lengths (seconds), and records the turns. */
    static final class Replies implements LiveLoop.Responder {
        final List<AudioClip> turns = new CopyOnWriteArrayList<>();
        final List<CancellationToken> cancels = new CopyOnWriteArrayList<>();
        private final double[][] chunkSeconds;

        Replies(double[]... chunkSeconds) {
            this.chunkSeconds = chunkSeconds;
        }

        @Override
        public Reply respond(AudioClip audio, dev.s2s.api.PipelineListener l, CancellationToken cancel) {
            int turn = turns.size();
            turns.add(audio);
            cancels.add(cancel);
            double[] lens = chunkSeconds[Math.min(turn, chunkSeconds.length - 1)];
            AudioClip all = AudioClip.mono(new float[0], 22050);
            for (int i = 0; i < lens.length && !cancel.isCancelled(); i++) {
                AudioClip c = AudioClip.mono(new float[(int) (lens[i] * 22050) + turn * 1000 + i], 22050);
                l.onEvent(new PipelineEvent.AudioChunk(c, "chunk " + i, i, Duration.ZERO));
                all = all.append(c);
            }
            return new Reply(all, null, null, "question", "answer", null, List.of(), Duration.ZERO);
        }
    }

    @Test
    void aTurnIsAnsweredAndTheWholeReplyPlays() {
        float[] mic = new Signals.Builder(RATE).noise(0.5, -60).speech(1.0, -15).noise(3.0, -60).build();
        FakeSpeaker speaker = new FakeSpeaker();
        Replies replies = new Replies(new double[] {0.5, 0.5});
        List<String> log = new CopyOnWriteArrayList<>();
        LiveLoop loop = new LiveLoop(new PacedMic(mic), speaker, replies, new EnergyVad(RATE), new BargeInDetector(),
                log::add);
        loop.run(new CancellationToken());
        assertThat(loop.turns()).isEqualTo(1);
        assertThat(loop.bargeIns()).isZero();
        assertThat(replies.turns.get(0).seconds()).isBetween(0.9, 1.4);
        assertThat(speaker.log).filteredOn(s -> s.startsWith("done")).hasSize(2);
        assertThat(speaker.log).noneMatch(s -> s.startsWith("cut"));
        assertThat(log).anyMatch(s -> s.startsWith("turn 1")).anyMatch(s -> s.startsWith("saying: chunk 1"));
    }

    @Test
    void talkingOverTheReplyStopsItAndBecomesTheNextTurn() {
        // Turn 1 ends near 2.2 s; its 3 s reply would play until about 5.2 s, but the user speaks at 3.0 s.
        float[] mic = new Signals.Builder(RATE).noise(0.5, -60).speech(1.0, -15).noise(1.5, -60).speech(1.0, -12)
                .noise(2.5, -60).build();
        FakeSpeaker speaker = new FakeSpeaker();
        Replies replies = new Replies(new double[] {1.0, 1.0, 1.0}, new double[] {0.3});
        List<String> log = new CopyOnWriteArrayList<>();
        LiveLoop loop = new LiveLoop(new PacedMic(mic), speaker, replies, new EnergyVad(RATE), new BargeInDetector(),
                log::add);
        loop.run(new CancellationToken());
        assertThat(loop.bargeIns()).as("log %s, speaker %s", log, speaker.log).isEqualTo(1);
        assertThat(loop.turns()).isEqualTo(2);
        assertThat(replies.cancels.get(0).isCancelled()).isTrue();
        assertThat(speaker.log).contains("stop");
        assertThat(speaker.log).anyMatch(s -> s.startsWith("cut"));
        // Of the first reply's three chunks, at most the first two started; the second reply played.
        assertThat(speaker.log.stream().filter(s -> s.startsWith("play")).count()).isLessThanOrEqualTo(3);
        assertThat(speaker.log).contains("done " + (int) (0.3 * 22050 + 1000));
        // The new turn holds the words spoken over the reply (about 1 s).
        assertThat(replies.turns.get(1).seconds()).isBetween(0.7, 1.5);
        assertThat(log).contains("barge-in: stopping the reply");
    }
}
