package dev.s2s.cli;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Optional;

import dev.s2s.api.AudioClip;

/**
 * Energy voice-activity detection with an adaptive noise floor and a hangover, to decide when a
 * spoken turn ends.
 *
 * <p>Audio is cut into frames (20 ms by default). A frame is <em>loud</em> when its level (RMS in
 * dBFS) is at least {@code marginDb} above the tracked noise floor and above {@code minLevelDb}.
 * Speech starts after {@code minSpeech} of consecutive loud frames; it ends after
 * {@code hangover} of quiet frames, so short pauses between words do not end the turn. The
 * completed turn is returned with {@code preRoll} of audio from before the start (the onset of the
 * first word is quiet) and without the trailing hangover silence. A turn longer than
 * {@code maxTurn} is cut there. The noise floor follows the level of quiet frames only.
 *
 * <p>Not thread-safe: feed it from one thread.
 */
public final class EnergyVad {

    /** Where the detector is. */
    public enum State {
        /** Waiting for speech. */
        SILENCE,
        /** In a turn. */
        SPEECH
    }

    private final int sampleRate;
    private final int frameLen;
    private final double marginDb;
    private final double minLevelDb;
    private final int minSpeechFrames;
    private final int hangoverFrames;
    private final int preRollFrames;
    private final int maxTurnFrames;

    private final float[] frame;
    private int frameFill;
    private double noiseDb = Double.NaN;
    private State state = State.SILENCE;
    private int loudRun;
    private int quietRun;
    private final Deque<float[]> recent = new ArrayDeque<>();
    private float[] turn = new float[0];
    private int turnLen;
    private int turnFrames;

    /** A detector with the defaults for {@code sampleRate}: 20 ms frames, 10 dB margin, 700 ms hangover. */
    public EnergyVad(int sampleRate) {
        this(sampleRate, Duration.ofMillis(20), 10, -50, Duration.ofMillis(100), Duration.ofMillis(700),
                Duration.ofMillis(200), Duration.ofSeconds(30));
    }

    /**
     * @param sampleRate the rate of the mono audio fed in
     * @param frame      analysis frame length
     * @param marginDb   how far above the noise floor a loud frame is
     * @param minLevelDb the quietest level (dBFS) that can count as speech
     * @param minSpeech  loud time needed to start a turn
     * @param hangover   quiet time that ends a turn
     * @param preRoll    audio kept from before the start
     * @param maxTurn    the longest turn
     */
    public EnergyVad(int sampleRate, Duration frame, double marginDb, double minLevelDb, Duration minSpeech,
            Duration hangover, Duration preRoll, Duration maxTurn) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive");
        }
        this.sampleRate = sampleRate;
        this.frameLen = Math.max(1, (int) (sampleRate * frame.toNanos() / 1_000_000_000L));
        this.marginDb = marginDb;
        this.minLevelDb = minLevelDb;
        this.minSpeechFrames = Math.max(1, frames(minSpeech));
        this.hangoverFrames = Math.max(1, frames(hangover));
        this.preRollFrames = Math.max(0, frames(preRoll));
        this.maxTurnFrames = Math.max(minSpeechFrames + 1, frames(maxTurn));
        this.frame = new float[frameLen];
    }

    private int frames(Duration d) {
        return (int) Math.round(d.toNanos() * 1e-9 * sampleRate / frameLen);
    }

    /** The level of {@code n} samples in dBFS (-120 for silence). */
    public static double levelDb(float[] x, int off, int n) {
        double sum = 0;
        for (int i = off; i < off + n; i++) {
            sum += (double) x[i] * x[i];
        }
        double rms = n == 0 ? 0 : Math.sqrt(sum / n);
        return rms < 1e-6 ? -120 : 20 * Math.log10(rms);
    }

    /** The current state. */
    public State state() {
        return state;
    }

    /** The tracked noise floor in dBFS (NaN before the first frame). */
    public double noiseFloorDb() {
        return noiseDb;
    }

    /** The threshold a frame must reach to count as loud, in dBFS. */
    public double thresholdDb() {
        return Math.max(minLevelDb, (Double.isNaN(noiseDb) ? -120 : noiseDb) + marginDb);
    }

    /**
     * Feeds mono samples; returns a completed turn when one ended inside them. Samples after the
     * end of a turn are kept for the next one.
     */
    public Optional<AudioClip> accept(float[] samples) {
        AudioClip done = null;
        int i = 0;
        while (i < samples.length) {
            int n = Math.min(frameLen - frameFill, samples.length - i);
            System.arraycopy(samples, i, frame, frameFill, n);
            frameFill += n;
            i += n;
            if (frameFill == frameLen) {
                frameFill = 0;
                AudioClip t = onFrame(frame.clone());
                if (t != null && done == null) {
                    done = t;
                }
            }
        }
        return Optional.ofNullable(done);
    }

    /** Forgets any turn in progress (e.g. after barge-in handling); keeps the noise floor. */
    public void reset() {
        state = State.SILENCE;
        loudRun = 0;
        quietRun = 0;
        recent.clear();
        turnLen = 0;
        turnFrames = 0;
        frameFill = 0;
    }

    private AudioClip onFrame(float[] f) {
        double db = levelDb(f, 0, f.length);
        if (Double.isNaN(noiseDb)) {
            noiseDb = db; // the first frame sets the floor: a steady hum from the start is not speech
        }
        boolean loud = db >= thresholdDb();
        if (state == State.SILENCE) {
            recent.addLast(f);
            while (recent.size() > preRollFrames + minSpeechFrames) {
                recent.removeFirst();
            }
            if (loud) {
                loudRun++;
                if (loudRun >= minSpeechFrames) {
                    state = State.SPEECH;
                    quietRun = 0;
                    turnLen = 0;
                    turnFrames = 0;
                    for (float[] r : recent) {
                        append(r);
                    }
                    recent.clear();
                }
            } else {
                loudRun = 0;
                // Track the floor on quiet frames: fast down, slow up.
                noiseDb = db < noiseDb ? 0.7 * noiseDb + 0.3 * db : 0.98 * noiseDb + 0.02 * db;
            }
            return null;
        }
        append(f);
        quietRun = loud ? 0 : quietRun + 1;
        if (quietRun >= hangoverFrames || turnFrames >= maxTurnFrames) {
            if (quietRun < hangoverFrames) {
                // Cut at the longest turn: a sound that never stops is background, not speech.
                noiseDb = db;
            }
            int keep = turnLen - (quietRun >= hangoverFrames ? quietRun * frameLen : 0);
            AudioClip clip = AudioClip.mono(Arrays.copyOf(turn, Math.max(0, keep)), sampleRate);
            state = State.SILENCE;
            loudRun = 0;
            quietRun = 0;
            turnLen = 0;
            turnFrames = 0;
            return clip;
        }
        return null;
    }

    private void append(float[] f) {
        if (turnLen + f.length > turn.length) {
            turn = Arrays.copyOf(turn, Math.max(turn.length * 2, turnLen + f.length));
        }
        System.arraycopy(f, 0, turn, turnLen, f.length);
        turnLen += f.length;
        turnFrames++;
    }
}
