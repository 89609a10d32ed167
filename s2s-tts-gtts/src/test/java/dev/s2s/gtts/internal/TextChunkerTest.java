package dev.s2s.gtts.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * gTTS-identical preparation and chunking. The golden file {@code gtts-golden.json} holds inputs
 * and the chunks and request bodies of a Python re-statement of gTTS 2.5's pre-processors,
 * tokenizer cases, {@code _clean_tokens}, {@code _minimize} and {@code _package_rpc}, run with
 * CPython's {@code re} and {@code json} (so Python's regex and JSON semantics are the reference).
 */
class TextChunkerTest {

    @Test
    void unbrokenTextIsCutAtOneHundredCodePoints() {
        List<String> chunks = TextChunker.chunks("a".repeat(250));
        assertThat(chunks).containsExactly("a".repeat(100), "a".repeat(100), "a".repeat(50));
    }

    @Test
    void wordsAreCutAtTheLastSpaceBeforeTheLimit() {
        List<String> chunks = TextChunker.chunks("word ".repeat(60));
        String twenty = String.join(" ", Collections.nCopies(20, "word"));
        assertThat(twenty).hasSize(99);
        assertThat(chunks).containsExactly(twenty, twenty, twenty);
    }

    @Test
    void shortTextIsOneStrippedChunkWithItsPunctuation() {
        assertThat(TextChunker.chunks("  Hello world.  ")).containsExactly("Hello world.");
        assertThat(TextChunker.chunks("Is it? Yes!")).containsExactly("Is it?  Yes!");
    }

    @Test
    void nothingToSpeakGivesNoChunk() {
        assertThat(TextChunker.chunks("")).isEmpty();
        assertThat(TextChunker.chunks(" \n\t ")).isEmpty();
        assertThat(TextChunker.chunks("!!!???...,,,")).isEmpty();
    }

    @Test
    void preProcessors() {
        assertThat(TextChunker.preprocess("Hi!How?")).isEqualTo("Hi! How? ");
        assertThat(TextChunker.preprocess("hyphen-\nated")).isEqualTo("hyphenated");
        assertThat(TextChunker.preprocess("Dr. Who, MRS. Smith and Prof. X")).isEqualTo("Dr Who, MRS Smith and Prof X");
        assertThat(TextChunker.preprocess("John Doe, esq. and Jane, Esq.")).isEqualTo("John Doe, Esquire and Jane, Esquire");
    }

    @Test
    void splitKeepsTimesDecimalsAndDottedAbbreviations() {
        String text = "At 10:30 we meet: U.S.A. delegates, e.g. Bob. Pi is 3.14 and 1,000 is big. "
                + "This sentence only exists to push the text past one hundred characters.";
        assertThat(TextChunker.chunks(text)).containsExactly("At 10:30 we meet", "U.S.A. delegates", "e.g. Bob",
                "Pi is 3.14 and 1,000 is big",
                "This sentence only exists to push the text past one hundred characters.");
    }

    @Test
    void lengthsCountCodePointsNotUtf16Units() {
        String emoji = "\uD83D\uDE00";
        List<String> chunks = TextChunker.chunks(emoji.repeat(150));
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0).codePointCount(0, chunks.get(0).length())).isEqualTo(100);
        assertThat(chunks.get(1).codePointCount(0, chunks.get(1).length())).isEqualTo(50);
    }

    @Test
    void matchesTheGoldenChunksOfGtts() throws IOException {
        JsonNode cases = golden();
        assertThat(cases.size()).isGreaterThan(15);
        for (JsonNode c : cases) {
            List<String> expected = new ArrayList<>();
            c.get("chunks").forEach(n -> expected.add(n.asText()));
            assertThat(TextChunker.chunks(c.get("text").asText())).as("chunks of %s", c.get("text")).isEqualTo(expected);
            for (String chunk : TextChunker.chunks(c.get("text").asText())) {
                assertThat(chunk.codePointCount(0, chunk.length())).isLessThanOrEqualTo(TextChunker.MAX_CHARS);
            }
        }
    }

    static JsonNode golden() throws IOException {
        try (InputStream in = TextChunkerTest.class.getResourceAsStream("/gtts-golden.json")) {
            return new ObjectMapper().readTree(in);
        }
    }
}
