package dev.s2s.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.s2s.api.ConfigException;
import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.Metric;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.api.SnapOptions;
import dev.s2s.api.TokenSnapper;
import dev.s2s.train.ProjectorSpec.Activation;
import dev.s2s.train.ProjectorSpec.Similarity;

/** Export, then reload through the "mlp" provider and snap with the "vector" snapper: the same ids. */
class ProjectorExportTest {

    @ParameterizedTest
    @CsvSource({"COSINE, GELU, 2, true", "INNER_PRODUCT, RELU, 0, false", "COSINE, RELU, 1, false"})
    void exportThenReloadGivesIdenticalSnappedIds(Similarity sim, Activation act, int context, boolean pad,
            @TempDir Path dir) throws Exception {
        Synthetic syn = new Synthetic(20, 12, 8, 6);
        List<Utterance> train = syn.sentences(12, 2, "v", 0.3, 5, 9);
        List<Utterance> held = syn.sentences(6, 3, "v", 0.6, 4, 9);
        TrainingResult r = ProjectorTrainer.builder().stack(3).context(context).hidden(32).activation(act)
                .similarity(sim).padTail(pad).epochs(25).batchSize(4).build().train(train, held, syn.matrix);
        TrainedProjector p = r.projector();
        ProjectorExport.Written w = ProjectorExport.write(p, dir, "proj");
        assertThat(w.weights()).exists();

        Metric metric = sim == Similarity.COSINE ? Metric.COSINE : Metric.INNER_PRODUCT;
        try (EmbeddingProjector mlp = S2s.projector("mlp", ProviderConfig.read(w.config()));
                TokenSnapper snapper = S2s.snapper("vector", syn.matrix, ProviderConfig.empty())) {
            assertThat(mlp.inputDim()).isEqualTo(8);
            assertThat(mlp.outputDim()).isEqualTo(12);
            assertThat(mlp.blank()).hasValueSatisfying(b -> assertThat(b).containsExactly(p.blank()));
            SnapOptions opts = SnapOptions.builder().metric(metric).blank(mlp.blank().orElseThrow())
                    .collapseRepeats(true).build();
            int nonEmpty = 0;
            for (Utterance u : concat(train, held)) {
                int[] trained = p.decode(u.features());
                int[] runtime = snapper.snap(mlp.project(u.features()), opts).tokens();
                assertThat(runtime).as(u.id()).containsExactly(trained);
                // and the projected vectors agree closely
                float[] a = p.project(u.features()).data();
                float[] b = mlp.project(u.features()).data();
                assertThat(b).hasSameSizeAs(a);
                for (int i = 0; i < a.length; i++) {
                    assertThat(b[i]).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-4f + 1e-4f * Math.abs(a[i])));
                }
                nonEmpty += trained.length > 0 ? 1 : 0;
            }
            assertThat(nonEmpty).isGreaterThan(10);
            // the evaluation over the runtime path is the evaluation of the trainer
            Evaluation.Result ev = Evaluation.evaluate(held, Evaluation.runtimeDecoder(mlp, snapper, opts));
            assertThat(ev.ter()).isEqualTo(Evaluation.evaluate(p, held).ter());
        }
    }

    @ParameterizedTest
    @CsvSource({"GELU_TANH"})
    void tanhGeluCannotBeExported(Activation act, @TempDir Path dir) {
        Synthetic syn = new Synthetic(10, 6, 4, 6);
        List<Utterance> train = syn.sentences(3, 2, "v", 0.3, 5, 9);
        TrainingResult r = ProjectorTrainer.builder().hidden(8).activation(act).epochs(1).build()
                .train(train, List.of(), syn.matrix);
        assertThatThrownBy(() -> ProjectorExport.write(r.projector(), dir, "p")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tanh");
    }

    private static List<Utterance> concat(List<Utterance> a, List<Utterance> b) {
        List<Utterance> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
