package dev.s2s.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Streaming sentence chunking for TTS. */
class SentenceChunkerTest {

    /** No early first chunk: pure sentence splitting. */
    private static SentenceChunker sentences() {
        return SentenceChunker.builder().earlyFirstChunk(false).build();
    }

    /** Feeds {@code text} in pieces of {@code size} chars and collects every chunk. */
    private static List<String> stream(SentenceChunker c, String text, int size) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            out.addAll(c.accept(text.substring(i, Math.min(text.length(), i + size))));
        }
        out.addAll(c.flush());
        return out;
    }

    /** Feeds {@code text} as LLM-like tokens: each word with its leading space. */
    private static List<String> tokens(SentenceChunker c, String text) {
        List<String> out = new ArrayList<>();
        for (String t : text.split("(?= )")) {
            out.addAll(c.accept(t));
        }
        out.addAll(c.flush());
        return out;
    }

    @Test
    void splitsPlainSentences() {
        assertThat(sentences().split("Hello there. How are you? I am fine! Thanks"))
                .containsExactly("Hello there.", "How are you?", "I am fine!", "Thanks");
    }

    @Test
    void aSentenceIsReleasedWhenTheNextWordStarts() {
        SentenceChunker c = sentences();
        assertThat(c.accept("Hello")).isEmpty();
        assertThat(c.accept(" world.")).isEmpty(); // could be "world.com" or an abbreviation yet
        assertThat(c.accept(" ")).isEmpty();
        assertThat(c.accept("Next")).containsExactly("Hello world.");
        assertThat(c.pending()).isEqualTo("Next");
        assertThat(c.flush()).containsExactly("Next");
        assertThat(c.pending()).isEmpty();
        assertThat(c.flush()).isEmpty();
    }

    @Test
    void abbreviationsDoNotEndSentences() {
        assertThat(sentences().split("Dr. Smith met Mr. Jones and Mrs. Brown. They talked."))
                .containsExactly("Dr. Smith met Mr. Jones and Mrs. Brown.", "They talked.");
        assertThat(sentences().split("Bring fruit, e.g. Apples or pears, i.e. Healthy food. Then go."))
                .containsExactly("Bring fruit, e.g. Apples or pears, i.e. Healthy food.", "Then go.");
        assertThat(sentences().split("See Fig. 3 and No. 7 in vol. 2. Done."))
                .containsExactly("See Fig. 3 and No. 7 in vol. 2.", "Done.");
        assertThat(sentences().split("J. R. R. Tolkien wrote it. So did I. Really."))
                .containsExactly("J. R. R. Tolkien wrote it.", "So did I.", "Really.");
        assertThat(sentences().split("It is approx. ten. Fine."))
                .containsExactly("It is approx. ten.", "Fine.");
    }

    @Test
    void addedAbbreviationsAreHonoured() {
        SentenceChunker c = SentenceChunker.builder().earlyFirstChunk(false).abbreviations("Corp.", "z.B").build();
        assertThat(c.split("Acme Corp. Makes things. Das z.B. Beispiel."))
                .containsExactly("Acme Corp. Makes things.", "Das z.B. Beispiel.");
    }

    @Test
    void decimalsAndDottedTokensStayWhole() {
        assertThat(sentences().split("Pi is 3.14 roughly. Visit example.com today. The U.S.A. Is big."))
                .containsExactly("Pi is 3.14 roughly.", "Visit example.com today.", "The U.S.A.", "Is big.");
        // a decimal split across tokens
        assertThat(stream(sentences(), "It costs 3.50 dollars. Yes.", 1))
                .containsExactly("It costs 3.50 dollars.", "Yes.");
    }

    @Test
    void aNumberCanEndASentence() {
        assertThat(sentences().split("He was born in 1999. She was born in 2001."))
                .containsExactly("He was born in 1999.", "She was born in 2001.");
        assertThat(sentences().split("The answer is 42.")).containsExactly("The answer is 42.");
    }

    @Test
    void listNumbersAreNotSentences() {
        assertThat(sentences().split("1. First item\n2. Second item"))
                .containsExactly("1. First item", "2. Second item");
    }

    @Test
    void ellipses() {
        assertThat(sentences().split("Well... I think so. Wait… what? No..."))
                .containsExactly("Well...", "I think so.", "Wait… what?", "No...");
        assertThat(sentences().split("And then... the end came.")).containsExactly("And then... the end came.");
    }

    @Test
    void closingQuotesAndBracketsStayWithTheirSentence() {
        assertThat(sentences().split("He said \"Stop.\" Then he left. (It was late.) 'Really?' Yes."))
                .containsExactly("He said \"Stop.\"", "Then he left.", "(It was late.)", "'Really?'", "Yes.");
        assertThat(sentences().split("“Wow!” she said. “Nice.” Done."))
                .containsExactly("“Wow!” she said.", "“Nice.”", "Done.");
        assertThat(sentences().split("Really?! Yes.")).containsExactly("Really?!", "Yes.");
    }

    @Test
    void cjkFullStopsEndSentencesWithoutSpaces() {
        assertThat(sentences().split("你好。今天天气很好！你呢？我很好")).containsExactly("你好。", "今天天气很好！", "你呢？", "我很好");
        assertThat(sentences().split("「こんにちは。」と言った。はい。"))
                .containsExactly("「こんにちは。」", "と言った。", "はい。");
        assertThat(stream(sentences(), "你好。世界。", 1)).containsExactly("你好。", "世界。");
        assertThat(sentences().split("Hello!你好")).containsExactly("Hello!", "你好");
    }

    @Test
    void lineBreaksEndChunks() {
        assertThat(sentences().split("Title\n\nSome text here\n- a point")).containsExactly("Title", "Some text here", "- a point");
    }

    @Test
    void theFirstChunkEndsEarlyAtAClauseBoundary() {
        SentenceChunker c = SentenceChunker.create();
        String text = "Well, thinking about your question carefully, the answer is yes, it is possible. "
                + "However, it takes time, effort and patience. Good luck.";
        assertThat(tokens(c, text)).containsExactly(
                "Well, thinking about your question carefully,", "the answer is yes, it is possible.",
                "However, it takes time, effort and patience.", "Good luck.");
        // the early chunk is released as soon as the clause ends, before the sentence is done
        SentenceChunker d = SentenceChunker.create();
        assertThat(d.accept("Sure thing, I can definitely help")).isEmpty();
        assertThat(d.accept(" you with that; ")).containsExactly("Sure thing, I can definitely help you with that;");
        assertThat(d.accept("first, gather")).isEmpty();
        // after a flush the next reply gets an early first chunk again
        d.flush();
        assertThat(d.accept("Another reply begins here, and ")).containsExactly("Another reply begins here,");
    }

    @Test
    void earlyClauseBoundariesIncludeDashesAndCjkCommasButNotNumbers() {
        assertThat(SentenceChunker.create().split("The quick brown fox jumps — over the lazy dog."))
                .containsExactly("The quick brown fox jumps —", "over the lazy dog.");
        assertThat(SentenceChunker.create().split("The quick brown fox jumped - over the lazy dog."))
                .containsExactly("The quick brown fox jumped -", "over the lazy dog.");
        assertThat(SentenceChunker.create().split("The years between them were 1990–1995 in total."))
                .containsExactly("The years between them were 1990–1995 in total.");
        assertThat(SentenceChunker.create().split("The population grew to 1,234,567 people quickly."))
                .containsExactly("The population grew to 1,234,567 people quickly.");
        assertThat(SentenceChunker.builder().firstChunkMinChars(5).build().split("今天的天气非常好，我们去公园吧。"))
                .containsExactly("今天的天气非常好，", "我们去公园吧。");
        // shorter than the minimum: no early cut
        assertThat(SentenceChunker.create().split("Yes, I can. Sure.")).containsExactly("Yes, I can.", "Sure.");
    }

    @Test
    void maxCharsCutsAtTheLastSpaceBeforeTheLimit() {
        SentenceChunker c = SentenceChunker.builder().maxChars(20).earlyFirstChunk(false).build();
        List<String> out = c.split("This sentence is definitely longer than twenty characters. Short one.");
        assertThat(out).containsExactly("This sentence is", "definitely longer", "than twenty", "characters.", "Short one.");
        assertThat(out).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(20));
    }

    @Test
    void maxCharsAppliesWhileStreamingWithoutASentenceEnd() {
        SentenceChunker c = SentenceChunker.builder().maxChars(100).build();
        String words = "word ".repeat(60); // 300 chars, no punctuation
        List<String> early = new ArrayList<>();
        for (String t : words.split("(?= )")) {
            early.addAll(c.accept(t));
        }
        assertThat(early).isNotEmpty().allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(100));
        List<String> all = new ArrayList<>(early);
        all.addAll(c.flush());
        assertThat(String.join(" ", all)).isEqualTo(words.strip());
    }

    @Test
    void textWithoutSpacesIsCutAtClauseMarksOrHard() {
        SentenceChunker c = SentenceChunker.builder().maxChars(10).earlyFirstChunk(false).build();
        assertThat(c.split("一二三四五六七，八九十一二三四五六七八九十一二三")).containsExactly("一二三四五六七，", "八九十一二三四五六七", "八九十一二三");
        // surrogate pairs are never split
        String ext = "𠀀".repeat(6); // CJK Extension B letters: 12 chars
        List<String> out = SentenceChunker.builder().maxChars(5).build().split("a" + ext);
        assertThat(out).containsExactly("a𠀀𠀀", "𠀀𠀀", "𠀀𠀀");
        assertThat(out).allSatisfy(s -> assertThat(Character.isHighSurrogate(s.charAt(s.length() - 1))).isFalse());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 8, 1000})
    void pieceSizeDoesNotChangeTheChunks(int size) {
        String text = "Dr. Who said: \"It's 3.14, e.g. Pi.\" Then, at 5 p.m. he left... And in 1999. 你好。"
                + "Item 2. Last words without an end";
        List<String> whole = SentenceChunker.create().split(text);
        assertThat(stream(SentenceChunker.create(), text, size)).isEqualTo(whole);
        assertThat(String.join(" ", whole).replace("。 ", "。")).isEqualTo(text);
    }

    @Test
    void unspeakableChunksAreMergedOrDropped() {
        assertThat(sentences().split("... Hello.")).containsExactly("... Hello.");
        assertThat(sentences().split("Hello. !!! ")).containsExactly("Hello.");
        assertThat(sentences().split("   ")).isEmpty();
        assertThat(sentences().split("Great! 😀 ")).containsExactly("Great!");
        assertThat(sentences().split("")).isEmpty();
    }

    @Test
    void resetDropsPendingText() {
        SentenceChunker c = sentences();
        c.accept("half a sentence");
        c.reset();
        assertThat(c.pending()).isEmpty();
        assertThat(c.flush()).isEmpty();
    }

    @Test
    void badOptionsAreRefused() {
        assertThatThrownBy(() -> SentenceChunker.builder().maxChars(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxChars must be 0 (no limit) or at least 2, got 1");
        assertThatThrownBy(() -> SentenceChunker.builder().maxChars(-3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -3");
        assertThatThrownBy(() -> SentenceChunker.builder().firstChunkMinChars(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("firstChunkMinChars must not be negative, got -1");
        assertThatThrownBy(() -> SentenceChunker.builder().abbreviations(" . ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("abbreviation must not be blank");
        assertThatThrownBy(() -> SentenceChunker.create().accept(null)).isInstanceOf(NullPointerException.class);
        assertThat(SentenceChunker.builder().maxChars(100).build().maxChars()).isEqualTo(100);
        assertThat(SentenceChunker.create().maxChars()).isZero();
    }
}
