package dev.s2s.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.s2s.api.AudioClip;
import dev.s2s.api.Reply;
import dev.s2s.api.Stage;
import dev.s2s.api.StageTiming;
import dev.s2s.cli.internal.BenchStats;

class BenchStatsTest {

    @Test
    void nearestRankPercentiles() {
        List<Double> v = List.of(5.0, 1.0, 4.0, 2.0, 3.0, 6.0, 7.0, 8.0, 9.0, 10.0);
        assertThat(BenchStats.percentile(v, 50)).isEqualTo(5.0);
        assertThat(BenchStats.percentile(v, 95)).isEqualTo(10.0);
        assertThat(BenchStats.percentile(List.of(3.0), 95)).isEqualTo(3.0);
        assertThat(BenchStats.percentile(List.of(), 50)).isNaN();
    }

    @Test
    void summarizesStagesFirstAudioAndRealTimeFactor() {
        BenchStats s = new BenchStats();
        for (int i = 1; i <= 4; i++) {
            AudioClip audio = AudioClip.mono(new float[16_000 * 2], 16_000); // 2 s of reply
            Reply r = new Reply(audio, null, null, "q", "a", null,
                    List.of(new StageTiming(Stage.GENERATE, Duration.ofMillis(100L * i)),
                            new StageTiming(Stage.SYNTHESIZE, Duration.ofMillis(50))),
                    Duration.ofMillis(100L * i + 50));
            s.add(r, Duration.ofMillis(20L * i));
        }
        var m = s.summary();
        assertThat(s.runs()).isEqualTo(4);
        assertThat(m.keySet()).containsExactly("generate", "synthesize", "first_audio", "total", "rtf", "audio_seconds");
        assertThat(m.get("generate")).containsExactly(200.0, 400.0);
        assertThat(m.get("first_audio")).containsExactly(40.0, 80.0);
        assertThat(m.get("rtf")[0]).isCloseTo(0.125, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(m.get("audio_seconds")).containsExactly(2.0, 2.0);
    }
}
