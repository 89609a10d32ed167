package dev.s2s.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class SftExportTest {

    @Test
    void writesAlpacaAndChatPairsFromSnappedIds(@TempDir Path dir) throws Exception {
        TestComponents.WordModel llm = new TestComponents.WordModel(4);
        List<Evaluation.Scored> scored = List.of(
                new Evaluation.Scored("a", "v", "the cat sat.", new int[] {1, 2, 3}, new int[] {1, 7, 3}, 1),
                new Evaluation.Scored("b", "v", "a dog.", new int[] {5, 7}, new int[0], 2));
        ObjectMapper json = new ObjectMapper();
        Path alpaca = dir.resolve("alpaca.jsonl");
        assertThat(SftExport.write(scored, llm, SftExport.Format.ALPACA, "Fix the transcript.", SftExport.REFERENCE,
                alpaca)).isEqualTo(2);
        List<String> lines = Files.readAllLines(alpaca);
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.get("instruction").asText()).isEqualTo("Fix the transcript.");
        assertThat(first.get("input").asText()).isEqualTo("the dog sat");
        assertThat(first.get("output").asText()).isEqualTo("the cat sat.");
        assertThat(json.readTree(lines.get(1)).get("input").asText()).isEmpty();

        Path chat = dir.resolve("chat.jsonl");
        SftExport.write(scored, llm, SftExport.Format.CHAT, null, s -> "reply to " + s.id(), chat);
        JsonNode m = json.readTree(Files.readAllLines(chat).get(0)).get("messages");
        assertThat(m).hasSize(2);
        assertThat(m.get(0).get("role").asText()).isEqualTo("user");
        assertThat(m.get(0).get("content").asText()).isEqualTo("the dog sat");
        assertThat(m.get(1).get("content").asText()).isEqualTo("reply to a");
    }
}
