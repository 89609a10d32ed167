package dev.s2s.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.s2s.api.CancellationToken;
import dev.s2s.api.ConfigException;
import dev.s2s.api.Generation;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.Prompt;
import dev.s2s.api.StopReason;
import dev.s2s.api.TokenListener;
import dev.s2s.api.TokenMatrix;

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

    /** Answers "reply N to: PROMPT" and counts its calls. */
    private static final class Teacher implements LanguageModel {
        private final TestComponents.WordModel words = new TestComponents.WordModel(4);
        private final List<String> prompts = new ArrayList<>();

        @Override
        public Generation generate(Prompt prompt, GenerationOptions options, TokenListener listener,
                CancellationToken cancel) {
            String p = ((Prompt.Text) prompt).text();
            prompts.add(p);
            return new Generation("  reply " + prompts.size() + " to: " + p + "\n", new int[0], StopReason.END_OF_SEQUENCE, 0,
                    Duration.ZERO, Duration.ZERO, 0);
        }

        @Override
        public int[] tokenize(String text) {
            return words.tokenize(text);
        }

        @Override
        public String detokenize(int[] tokens) {
            return words.detokenize(tokens);
        }

        @Override
        public TokenMatrix tokenEmbeddings() {
            return words.tokenEmbeddings();
        }

        @Override
        public Set<Prompt.Kind> supportedPrompts() {
            return Set.of(Prompt.Kind.TEXT);
        }

        @Override
        public void close() {
        }
    }

    private static Evaluation.Scored scored(String id, String voice, String text) {
        return new Evaluation.Scored(id, voice, text, new int[] {1}, new int[] {1}, 0);
    }

    @Test
    void theDesiredOutputCanBeTheTeachersReplyToTheReferenceGeneratedOncePerSentence(@TempDir Path dir)
            throws Exception {
        Teacher teacher = new Teacher();
        List<Evaluation.Scored> scored = List.of(scored("1a", "mary", "the cat sat."),
                scored("1b", "espeak", "the cat sat."), scored("2a", "mary", "a dog ran."));
        Path file = dir.resolve("reply.jsonl");
        SftExport.write(scored, teacher, SftExport.Format.ALPACA, "Answer.", SftExport.reply(teacher,
                SftExport.textPrompt("Q: {text}\nA:"), GenerationOptions.defaults()), file);
        List<String> out = Files.readAllLines(file).stream().map(l -> {
            try {
                return new ObjectMapper().readTree(l).get("output").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(out).containsExactly("reply 1 to: Q: the cat sat.\nA:", "reply 1 to: Q: the cat sat.\nA:",
                "reply 2 to: Q: a dog ran.\nA:");
        assertThat(teacher.prompts).hasSize(2);
        assertThatThrownBy(() -> SftExport.textPrompt("no placeholder")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("{text}");
    }

    @Test
    void desiredRepliesFromTheUsersFileAreMatchedByReference(@TempDir Path dir) throws Exception {
        Path replies = dir.resolve("replies.jsonl");
        Files.writeString(replies, """
                {"text": "the cat sat.", "reply": "Where did it sit?"}

                {"text": "a dog ran.", "reply": "Fast?"}
                """);
        var f = SftExport.replies(replies);
        assertThat(f.apply(scored("x", "v", "a dog ran."))).isEqualTo("Fast?");
        assertThat(f.apply(scored("y", "w", "the cat sat."))).isEqualTo("Where did it sit?");
        assertThatThrownBy(() -> f.apply(scored("z", "v", "the sun was hot."))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no reply for the sentence 'the sun was hot.'");

        Files.writeString(replies, "{\"text\": \"a\", \"reply\": \"b\"}\n{\"text\": 3}\n");
        assertThatThrownBy(() -> SftExport.replies(replies)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 2");
        Files.writeString(replies, "not json\n");
        assertThatThrownBy(() -> SftExport.replies(replies)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> SftExport.replies(dir.resolve("missing.jsonl"))).isInstanceOf(
                ConfigException.class).hasMessageContaining("cannot read the replies");
    }
}
