package dev.s2s.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.TokenMatrix;

class ProjectorTrainerTest {

    @Test
    void overfitsTenSentencesBelowTenPercentTer() {
        Synthetic syn = new Synthetic(24, 16, 10, 3);
        List<Utterance> ten = syn.sentences(10, 5, "v1", 0.3, 6, 10);
        List<EpochStats> seen = new ArrayList<>();
        TrainingResult r = ProjectorTrainer.builder().stack(4).context(1).hidden(64).epochs(150).batchSize(5)
                .learningRate(3e-3).warmupSteps(10).evalEvery(10).seed(1).listener(seen::add).build()
                .train(ten, ten, syn.matrix);
        Evaluation.Result ev = Evaluation.evaluate(r.projector(), ten);
        assertThat(ev.ter()).as("TER after overfitting, history %s", r.history()).isLessThan(0.1);
        assertThat(seen).hasSize(150);
        assertThat(seen.get(0).trainLoss()).isGreaterThan(seen.get(seen.size() - 1).trainLoss());
        assertThat(r.skippedInfeasible()).isZero();
        assertThat(r.totalFlops()).isPositive();
        // the trainer's own held-out figure is the same decoding as TrainedProjector.decode
        assertThat(r.history().stream().mapToDouble(EpochStats::heldOutTer).filter(d -> !Double.isNaN(d)).min()
                .orElseThrow()).isEqualTo(ev.ter());
    }

    @Test
    void infeasibleUtterancesAreSkippedAndCounted() {
        Synthetic syn = new Synthetic(12, 8, 6, 4);
        List<Utterance> data = new ArrayList<>(syn.sentences(6, 1, "v", 0.2, 6, 8));
        // 8 tokens in 8 frames: only 2 stacked frames at k = 4
        data.add(shortUtterance(syn));
        TrainingResult r = ProjectorTrainer.builder().hidden(16).epochs(2).build().train(data, List.of(), syn.matrix);
        assertThat(r.skippedInfeasible()).isEqualTo(1);
        assertThat(r.history()).hasSize(2);
        assertThat(r.history().get(0).heldOutTer()).isNaN();
    }

    private static Utterance shortUtterance(Synthetic syn) {
        return new Utterance("short", "", new int[] {1, 2, 3, 4, 5, 6, 7, 8}, "v",
                new EmbeddingSequence(new float[8 * syn.featDim], 8, syn.featDim, 50));
    }

    @Test
    void badInputIsRejectedClearly() {
        Synthetic syn = new Synthetic(12, 8, 6, 4);
        List<Utterance> data = syn.sentences(3, 1, "v", 0.2, 6, 8);
        EmbeddingSequence f = data.get(0).features();
        assertThatThrownBy(() -> new Utterance("e", "", new int[0], "v", f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty transcript");
        ProjectorTrainer t = ProjectorTrainer.builder().hidden(8).epochs(1).build();
        // mixed feature widths
        List<Utterance> mixed = new ArrayList<>(data);
        mixed.add(new Utterance("w", "", new int[] {1}, "v", new EmbeddingSequence(new float[14], 2, 7, 50)));
        assertThatThrownBy(() -> t.train(mixed, List.of(), syn.matrix)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("7-wide");
        // token ids outside the matrix
        List<Utterance> big = List.of(new Utterance("b", "", new int[] {99}, "v", f));
        assertThatThrownBy(() -> t.train(big, List.of(), syn.matrix)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the token matrix");
        // everything infeasible
        assertThatThrownBy(() -> t.train(List.of(shortUtterance(syn)), List.of(), syn.matrix))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CTC-infeasible");
        // a projector trained for one embedding width refuses features of another width
        TrainingResult r = t.train(data, List.of(), syn.matrix);
        assertThatThrownBy(() -> r.projector().decode(new EmbeddingSequence(new float[10], 2, 5, 50)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expects 6");
        // and a token matrix of another width
        TokenMatrix other = TokenMatrix.ofFloats(new float[12 * 9], 12, 9, null);
        assertThatThrownBy(() -> new TrainedProjector(r.projector().spec(), r.projector().mean(), r.projector().std(),
                r.projector().rawParams(), other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("width");
        assertThatThrownBy(() -> t.train(List.of(), List.of(), syn.matrix)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void editDistanceAndScores() {
        assertThat(Evaluation.editDistance(new int[] {1, 2, 3}, new int[] {1, 3})).isEqualTo(1);
        assertThat(Evaluation.editDistance(new int[] {}, new int[] {1, 3})).isEqualTo(2);
        assertThat(Evaluation.editDistance(new int[] {1, 2, 3}, new int[] {3, 2, 1})).isEqualTo(2);
        Synthetic syn = new Synthetic(12, 8, 6, 4);
        List<Utterance> data = new ArrayList<>(syn.sentences(2, 1, "a", 0.2, 6, 8));
        data.addAll(syn.sentences(2, 2, "b", 0.2, 6, 8));
        // a decoder that is right for voice a and returns nothing for voice b
        Evaluation.Result ev = Evaluation.evaluate(data,
                feats -> data.stream().filter(u -> u.features().equals(feats)).findFirst()
                        .map(u -> u.voice().equals("a") ? u.tokens() : new int[0]).orElseThrow());
        assertThat(ev.perVoiceTer()).containsEntry("a", 0.0).containsEntry("b", 1.0);
        assertThat(ev.exactMatch()).isEqualTo(0.5);
        long refB = data.subList(2, 4).stream().mapToInt(u -> u.tokens().length).sum();
        assertThat(ev.ter()).isEqualTo((double) refB / ev.referenceTokens());
    }
}
