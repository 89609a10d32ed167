package dev.s2s.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.s2s.api.AudioClip;

class EnergyVadTest {

    private static final int RATE = 16_000;

    /** Feeds in 30 ms pieces (not a multiple of the frame) and collects the turns. */
    private static List<AudioClip> turns(EnergyVad vad, float[] x) {
        List<AudioClip> out = new ArrayList<>();
        for (int i = 0; i < x.length; i += 480) {
            vad.accept(Arrays.copyOfRange(x, i, Math.min(x.length, i + 480))).ifPresent(out::add);
        }
        return out;
    }

    @Test
    void oneUtteranceWithAShortPauseIsOneTurn() {
        float[] x = new Signals.Builder(RATE).noise(1.0, -60).speech(0.8, -15).noise(0.3, -60).speech(0.7, -15)
                .noise(1.5, -60).build();
        EnergyVad vad = new EnergyVad(RATE);
        List<AudioClip> t = turns(vad, x);
        assertThat(t).hasSize(1);
        // 1.8 s of speech and pause, plus up to 0.2 s pre-roll, without the 0.7 s hangover.
        assertThat(t.get(0).seconds()).isBetween(1.7, 2.1);
        assertThat(t.get(0).sampleRate()).isEqualTo(RATE);
        assertThat(vad.state()).isEqualTo(EnergyVad.State.SILENCE);
        assertThat(vad.noiseFloorDb()).isBetween(-65.0, -55.0);
    }

    @Test
    void aLongPauseSplitsTwoTurnsAndNoiseAloneIsNone() {
        float[] x = new Signals.Builder(RATE).noise(0.5, -60).speech(0.6, -20).noise(1.2, -60).speech(0.9, -20)
                .noise(1.0, -60).build();
        List<AudioClip> t = turns(new EnergyVad(RATE), x);
        assertThat(t).hasSize(2);
        assertThat(t.get(0).seconds()).isBetween(0.55, 0.9);
        assertThat(t.get(1).seconds()).isBetween(0.85, 1.2);
        assertThat(turns(new EnergyVad(RATE), new Signals.Builder(RATE).noise(5, -45).build())).isEmpty();
    }

    @Test
    void aTurnInProgressIsNotReportedAndAClickIsNotSpeech() {
        EnergyVad vad = new EnergyVad(RATE);
        // 40 ms click: shorter than the 100 ms needed to start a turn.
        assertThat(turns(vad, new Signals.Builder(RATE).noise(0.5, -60).speech(0.04, -10).noise(1.0, -60).build()))
                .isEmpty();
        assertThat(turns(vad, new Signals.Builder(RATE).speech(0.5, -15).noise(0.3, -60).build())).isEmpty();
        assertThat(vad.state()).isEqualTo(EnergyVad.State.SPEECH);
        vad.reset();
        assertThat(vad.state()).isEqualTo(EnergyVad.State.SILENCE);
    }

    @Test
    void aSoundThatNeverStopsIsCutAtTheLongestTurnAndBecomesTheFloor() {
        EnergyVad vad = new EnergyVad(RATE, Duration.ofMillis(20), 10, -50, Duration.ofMillis(100),
                Duration.ofMillis(700), Duration.ofMillis(200), Duration.ofSeconds(2));
        float[] x = new Signals.Builder(RATE).noise(0.5, -60).noise(6, -25).build();
        List<AudioClip> t = turns(vad, x);
        assertThat(t).hasSize(1);
        assertThat(t.get(0).seconds()).isBetween(1.9, 2.4);
        assertThat(vad.noiseFloorDb()).isGreaterThan(-30);
    }

    @Test
    void bargeInNeedsSustainedSpeechAboveTheEcho() {
        BargeInDetector b = new BargeInDetector();
        Duration f = Duration.ofMillis(20);
        // Echo of a -10 dBFS reply arrives around -30 dBFS: never the user.
        for (int i = 0; i < 100; i++) {
            assertThat(b.accept(-30, -10, f)).isFalse();
        }
        // A 100 ms blip is too short.
        for (int i = 0; i < 5; i++) {
            assertThat(b.accept(-12, -10, f)).isFalse();
        }
        assertThat(b.accept(-60, -10, f)).isFalse();
        b.reset();
        // 200 ms of the user talking over the reply fires.
        boolean fired = false;
        int frames = 0;
        while (!fired && frames < 50) {
            fired = b.accept(-12, -10, f);
            frames++;
        }
        assertThat(fired).isTrue();
        assertThat(frames).isEqualTo(10);
        b.reset();
        assertThat(b.accept(-12, -120, f)).isFalse();
        // Dips between syllables slow it down but do not restart it: 2 loud, 1 quiet, repeated.
        b.reset();
        int n = 0;
        fired = false;
        while (!fired && n < 100) {
            fired = b.accept(n % 3 == 2 ? -40 : -12, -10, f);
            n++;
        }
        assertThat(fired).isTrue();
        assertThat(n).isBetween(25, 32);
        // Quiet rooms: nothing playing, but below the floor is never the user.
        assertThat(new BargeInDetector().accept(-50, -120, Duration.ofSeconds(1))).isFalse();
    }

    @Test
    void levelOfSilenceAndFullScale() {
        assertThat(EnergyVad.levelDb(new float[100], 0, 100)).isEqualTo(-120);
        float[] ones = new float[100];
        Arrays.fill(ones, 1f);
        assertThat(EnergyVad.levelDb(ones, 0, 100)).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-9));
    }
}
