package dev.s2s.llama.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.s2s.api.Vocabulary;

class PieceMatcherTest {

    // ids: 0 <unk>, 1 <s>, 2 </s>, 3 <0xC3>, 4 <0xA9>, 5 ▁the, 6 ▁t, 7 he, 8 a, 9 a (user-defined duplicate)
    private static final Vocabulary VOCAB = new Vocabulary(
            List.of("<unk>", "<s>", "</s>", "<0xC3>", "<0xA9>", "▁the", "▁t", "he", "a", "a"), new float[0],
            new int[] {2, 3, 3, 6, 6, 1, 1, 1, 4, 1}, 1, 2, 0, -1);

    private static final PieceMatcher MATCHER = new PieceMatcher(VOCAB, id -> VOCAB.token(id).replace('\u2581', ' '));

    @Test
    void exactPiecesMapToTheirToken() {
        assertThat(MATCHER.ids(" the")).containsExactly(5);
        assertThat(MATCHER.ids("he")).containsExactly(7);
        // a normal token wins over a user-defined one with the same text
        assertThat(MATCHER.ids("a")).containsExactly(9);
    }

    @Test
    void mergedPiecesSplitLongestFirst() {
        assertThat(MATCHER.ids(" thehe")).containsExactly(5, 7);
    }

    @Test
    void charactersWithoutATokenBecomeByteTokens() {
        assertThat(MATCHER.ids("é")).containsExactly(3, 4);
        assertThat(MATCHER.ids("aé")).containsExactly(9, 3, 4);
    }

    @Test
    void controlTokensAndEmptyTextMatchNothing() {
        assertThat(MATCHER.ids("")).isEmpty();
        assertThat(MATCHER.ids("<s>")).doesNotContain(1);
    }
}
