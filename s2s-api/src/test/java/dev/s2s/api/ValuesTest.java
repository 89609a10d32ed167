package dev.s2s.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void embeddingSequenceCopiesAndComparesContent() {
        float[] d = {1, 2, 3, 4, 5, 6};
        EmbeddingSequence e = new EmbeddingSequence(d, 3, 2, 50);
        d[0] = 99;
        assertThat(e.get(0, 0)).isEqualTo(1f);
        e.data()[1] = 99;
        assertThat(e.get(0, 1)).isEqualTo(2f);
        assertThat(e).isEqualTo(new EmbeddingSequence(new float[] {1, 2, 3, 4, 5, 6}, 3, 2, 50));
        assertThat(e.slice(1, 3).row(0)).containsExactly(3, 4);
        assertThat(e.concat(e).frames()).isEqualTo(6);
        assertThatThrownBy(() -> new EmbeddingSequence(new float[5], 3, 2, 50))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 6");
    }

    @Test
    void tokenMatrixStoragesAgree() {
        Random r = new Random(1);
        float[] v = new float[40 * 8];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        TokenMatrix f32 = TokenMatrix.ofFloats(v, 40, 8, null);
        TokenMatrix f16 = f32.convert(TokenMatrix.Storage.F16);
        TokenMatrix i8 = f32.convert(TokenMatrix.Storage.INT8);
        assertThat(f16.data().byteSize()).isEqualTo(40 * 8 * 2);
        assertThat(i8.data().byteSize()).isEqualTo(40 * 8);
        for (int row = 0; row < 40; row++) {
            float[] a = f32.row(row);
            float[] b = f16.row(row);
            float[] c = i8.row(row);
            float max = 0;
            for (float x : a) {
                max = Math.max(max, Math.abs(x));
            }
            for (int d = 0; d < 8; d++) {
                assertThat(b[d]).isCloseTo(a[d], within(Math.abs(a[d]) * 1e-3f + 1e-4f));
                assertThat(c[d]).isCloseTo(a[d], within(max / 127f * 0.5f + 1e-6f));
            }
        }
        assertThat(f32.convert(TokenMatrix.Storage.F32)).isSameAs(f32);
        assertThatThrownBy(() -> TokenMatrix.ofFloats(new float[10], 3, 4, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 48");
        assertThatThrownBy(() -> TokenMatrix.ofFloats(new float[12], 3, 4, Vocabulary.of(List.of("a"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocabulary has 1 tokens");
    }

    @Test
    void vocabularyTypes() {
        Vocabulary v = new Vocabulary(List.of("<s>", "a", "<0x0A>"), new float[3], new int[] {3, 1, 6}, 0, -1, -1, -1);
        assertThat(v.idsOfType(Vocabulary.CONTROL, Vocabulary.BYTE)).containsExactly(0, 2);
        assertThat(Vocabulary.of(List.of("x")).type(0)).isEqualTo(Vocabulary.NORMAL);
    }

    @Test
    void optionsValidate() {
        assertThatThrownBy(() -> GenerationOptions.builder().maxTokens(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTokens");
        assertThatThrownBy(() -> GenerationOptions.builder().topP(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topP");
        assertThatThrownBy(() -> GenerationOptions.builder().grammar("g").jsonSchema("{}").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> SnapOptions.builder().topK(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topK");
        assertThatThrownBy(() -> RecognitionOptions.builder().beamSize(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beamSize");
        SnapOptions s = SnapOptions.builder().exclude(5, 1, 5).build();
        assertThat(s.excludedIds()).containsExactly(1, 5);
        assertThat(s.isExcluded(5)).isTrue();
        assertThat(s.toBuilder().build()).isEqualTo(s);
        GenerationOptions g = GenerationOptions.builder().stop("\n").temperature(0.7f).build();
        assertThat(g.toBuilder().build()).isEqualTo(g);
    }

    @Test
    void promptsValidate() {
        assertThatThrownBy(() -> Prompt.tokens(1, -2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative token id");
        assertThatThrownBy(() -> Prompt.chat(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Prompt.mixed(Prompt.chat(ChatMessage.user("x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not CHAT");
        assertThat(Prompt.tokens(1, 2)).isEqualTo(Prompt.tokens(1, 2));
        assertThat(ChatMessage.Role.ASSISTANT.id()).isEqualTo("assistant");
    }

    @Test
    void snapResultValidates() {
        assertThatThrownBy(() -> new SnapResult(new int[2], new float[1], new float[2], new int[2], 1, new int[2],
                new float[2])).isInstanceOf(IllegalArgumentException.class);
        SnapResult r = new SnapResult(new int[] {3}, new float[] {1}, new float[] {0.5f}, new int[] {0}, 2,
                new int[] {3, 4}, new float[] {1, 0.5f});
        assertThat(r.inputFrames()).isEqualTo(1);
    }

    @Test
    void cancellationChildrenFollowParents() {
        CancellationToken parent = new CancellationToken();
        CancellationToken child = parent.child();
        child.cancel();
        assertThat(parent.isCancelled()).isFalse();
        CancellationToken child2 = parent.child();
        parent.cancel();
        assertThat(child2.isCancelled()).isTrue();
        assertThatThrownBy(child2::throwIfCancelled).isInstanceOf(java.util.concurrent.CancellationException.class);
    }
}
