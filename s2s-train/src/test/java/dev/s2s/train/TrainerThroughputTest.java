package dev.s2s.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.s2s.kernels.Kernels;

/**
 * Trains one epoch at the A2 shape (80-d features, k=4, ±2 context, hidden 512, 64-d embeddings,
 * 512 tokens) on synthetic data and logs the trainer's GFLOP/s. No speed is asserted.
 * {@code -Ds2s.train.bench.utterances=N} scales the run (default 16); {@code -Ds2s.train.bench.scalar=true}
 * adds the scalar kernels as a baseline.
 */
class TrainerThroughputTest {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerThroughputTest.class);

    @Test
    void a2ShapeThroughput() {
        int n = Integer.getInteger("s2s.train.bench.utterances", 16);
        Synthetic syn = new Synthetic(512, 64, 80, 9);
        Random r = new Random(4);
        List<Utterance> data = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] tok = new int[12];
            for (int j = 0; j < tok.length; j++) {
                tok[j] = 1 + r.nextInt(511);
            }
            data.add(syn.speak("u" + i, tok, "v", 0.5, 15, 19, r)); // about 208 frames, 52 stacked
        }
        for (Kernels k : List.of(Kernels.get(), Kernels.scalar())) {
            for (int threads : new int[] {1, 2}) {
                if (k == Kernels.scalar() && (threads == 2 || !Boolean.getBoolean("s2s.train.bench.scalar"))) {
                    continue;
                }
                TrainingResult res = ProjectorTrainer.builder().stack(4).context(2).hidden(512).dropout(0.1f)
                        .specAugment(SpecAugment.defaults()).epochs(1).kernels(k).threads(threads).build()
                        .train(data, List.of(), syn.matrix);
                LOG.info("A2 shape, {} utterances, kernels {}, {} thread(s): {} GFLOP in {} s = {} GFLOP/s", n,
                        k.name(), threads, String.format("%.2f", res.totalFlops() / 1e9),
                        String.format("%.2f", res.trainSeconds()), String.format("%.1f", res.gflops()));
                assertThat(res.last().trainLoss()).isFinite();
            }
        }
    }
}
