package dev.s2s.cli;

import java.time.Duration;

/**
 * Decides, while a reply plays, that the user has started talking over it (barge-in), so the
 * playback can stop.
 *
 * <p>Without echo cancellation the microphone also hears the loudspeaker, so the bar is higher
 * than for turn detection: a microphone frame counts as the user's when it is above
 * {@code minLevelDb} and more than {@code echoMarginDb} above the level expected from the
 * loudspeaker (the level of what was just played, minus {@code echoLossDb}, the acoustic loss
 * from speaker to microphone). Barge-in fires once such frames add up to {@code minSpeech}; a
 * frame that is not the user's takes its own length off the count (rather than clearing it), so
 * the dips between syllables do not restart it.
 *
 * <p>Not thread-safe: feed it from one thread.
 */
public final class BargeInDetector {

    private final double minLevelDb;
    private final double echoLossDb;
    private final double echoMarginDb;
    private final long minSpeechNanos;
    private long loudNanos;

    /** Defaults: -35 dBFS floor, 20 dB speaker-to-mic loss, 6 dB margin, 200 ms of speech. */
    public BargeInDetector() {
        this(-35, 20, 6, Duration.ofMillis(200));
    }

    /**
     * @param minLevelDb   the quietest microphone level that can be the user (dBFS)
     * @param echoLossDb   how much quieter the loudspeaker is at the microphone
     * @param echoMarginDb how far above the expected echo the user must be
     * @param minSpeech    how long the user must speak
     */
    public BargeInDetector(double minLevelDb, double echoLossDb, double echoMarginDb, Duration minSpeech) {
        this.minLevelDb = minLevelDb;
        this.echoLossDb = echoLossDb;
        this.echoMarginDb = echoMarginDb;
        this.minSpeechNanos = minSpeech.toNanos();
    }

    /**
     * Feeds one microphone frame.
     *
     * @param micDb      the microphone frame's level in dBFS
     * @param playbackDb the level of the audio played during that frame (-120 when nothing played)
     * @param frame      the frame's length
     * @return true once the user has spoken long enough over the playback
     */
    public boolean accept(double micDb, double playbackDb, Duration frame) {
        double echo = playbackDb - echoLossDb;
        boolean user = micDb >= minLevelDb && micDb >= echo + echoMarginDb;
        loudNanos = user ? loudNanos + frame.toNanos() : Math.max(0, loudNanos - frame.toNanos());
        return loudNanos >= minSpeechNanos;
    }

    /** Starts over, e.g. when a new reply starts playing. */
    public void reset() {
        loudNanos = 0;
    }
}
