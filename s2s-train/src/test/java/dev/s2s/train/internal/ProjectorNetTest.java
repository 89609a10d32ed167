package dev.s2s.train.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.s2s.kernels.Kernels;
import dev.s2s.train.ProjectorSpec;
import dev.s2s.train.ProjectorSpec.Activation;
import dev.s2s.train.ProjectorSpec.Similarity;

class ProjectorNetTest {

    @ParameterizedTest
    @CsvSource({"COSINE, GELU, 0.0, true", "COSINE, GELU_TANH, 0.3, false", "INNER_PRODUCT, GELU, 0.2, true",
            "INNER_PRODUCT, RELU, 0.0, false"})
    void gradientMatchesFiniteDifferences(Similarity sim, Activation act, float dropout, boolean pad) {
        Random r = new Random(11);
        int f = 3;
        int vocab = 6;
        int dim = 4;
        ProjectorSpec spec = new ProjectorSpec(f, 2, 1, 5, dim, act, sim, pad);
        float[] tokens = new float[vocab * dim];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (float) r.nextGaussian();
        }
        ProjectorNet net = new ProjectorNet(spec, tokens, vocab, new Linalg(Kernels.get(), null, 1));
        net.initialize(r, 3f);
        float[] p = net.params();
        for (int i = 0; i < p.length; i++) {
            p[i] += (float) (r.nextGaussian() * 0.3); // away from the symmetric start
        }
        List<ProjectorNet.Item> batch = new ArrayList<>();
        int[][] labels = { {1, 2}, {3, 3}, {0, 5, 4}, {2, 2, 2, 2, 2, 2, 2, 2, 2} }; // the last is infeasible
        int[] frames = {7, 9, 12, 5};
        for (int u = 0; u < labels.length; u++) {
            float[] x = new float[frames[u] * f];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            batch.add(new ProjectorNet.Item(x, frames[u], labels[u]));
        }
        float[] grad = new float[p.length];
        ProjectorNet.BatchLoss bl = net.lossAndGradient(batch, dropout, new Random(5), grad);
        assertThat(bl.used()).isEqualTo(3);
        assertThat(bl.infeasible()).isEqualTo(1);
        float[] scratch = new float[p.length];
        float eps = 5e-3f;
        int checked = 0;
        for (int i = 0; i < p.length; i++) {
            if (sim == Similarity.INNER_PRODUCT && i == net.offScale()) {
                assertThat(grad[i]).isZero();
                continue;
            }
            float keep = p[i];
            p[i] = keep + eps;
            double up = net.lossAndGradient(batch, dropout, new Random(5), scratch).meanLoss();
            p[i] = keep - eps;
            double down = net.lossAndGradient(batch, dropout, new Random(5), scratch).meanLoss();
            p[i] = keep;
            double fd = (up - down) / ((double) (keep + eps) - (double) (keep - eps));
            assertThat((double) grad[i]).as("param %d (W1 %d, b1 %d, W2 %d, b2 %d, blank %d, scale %d)", i,
                    net.offW1(), net.offB1(), net.offW2(), net.offB2(), net.offBlank(), net.offScale())
                    .isCloseTo(fd, within(3e-3 + 0.02 * Math.abs(fd)));
            checked++;
        }
        assertThat(checked).isGreaterThan(100);
    }
}
