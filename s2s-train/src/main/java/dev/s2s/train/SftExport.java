package dev.s2s.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.s2s.api.ConfigException;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.Prompt;

/**
 * The Unsloth bridge: writes JSONL pairs for fine-tuning the language model on noisy snapped
 * inputs. The input is the snapped token ids detokenized by the LLM; the output is the reference
 * sentence ({@link #REFERENCE}), a teacher model's reply to it ({@link #reply}), or replies of the
 * user's own ({@link #replies}). Two layouts: Alpaca ({@code instruction}, {@code input},
 * {@code output}) and chat messages ({@code messages} with {@code user} and {@code assistant}
 * turns, plus an optional {@code system} turn). Stateless and thread-safe.
 */
public final class SftExport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SftExport() {
    }

    /** The JSONL layout. */
    public enum Format {
        /** {@code {"instruction": ..., "input": ..., "output": ...}}. */
        ALPACA,
        /** {@code {"messages": [{"role": "system"|"user"|"assistant", "content": ...}]}}. */
        CHAT
    }

    /** The reference sentence as the desired output (learn to denoise the snapped text). */
    public static final Function<Evaluation.Scored, String> REFERENCE = Evaluation.Scored::text;

    /** The placeholder of a reply prompt template that stands for the reference sentence. */
    public static final String TEXT = "{text}";

    /**
     * The desired output is the reply of {@code teacher} to the reference sentence: the model is
     * taught to answer noisy snapped input as it answers the clean sentence. Each distinct
     * reference is generated once (every voice of a sentence gets the same reply), with
     * {@code options} (greedy by default, so the replies are reproducible).
     *
     * @param teacher a language model (the one being fine-tuned, or a larger one)
     * @param prompt  the prompt of a reference sentence, e.g. {@link #textPrompt}
     */
    public static Function<Evaluation.Scored, String> reply(LanguageModel teacher, Function<String, Prompt> prompt,
            GenerationOptions options) {
        Map<String, String> cache = new ConcurrentHashMap<>();
        return s -> cache.computeIfAbsent(s.text(), t -> teacher.generate(prompt.apply(t), options).text().strip());
    }

    /**
     * A text prompt made from {@code template} with {@link #TEXT} replaced by the reference sentence,
     * e.g. {@code "Q: {text}\nA:"}.
     *
     * @throws ConfigException when the template has no {@code {text}}
     */
    public static Function<String, Prompt> textPrompt(String template) {
        if (template == null || !template.contains(TEXT)) {
            throw new ConfigException("a reply prompt template must contain " + TEXT + ", got '" + template + "'");
        }
        return t -> Prompt.text(template.replace(TEXT, t));
    }

    /**
     * The desired outputs read from a JSONL file of {@code {"text": reference, "reply": output}}
     * objects, matched by the reference sentence.
     *
     * @throws ConfigException when the file cannot be read or a line is not such an object; the
     *                         returned function throws it for a sentence the file has no reply for
     */
    public static Function<Evaluation.Scored, String> replies(Path jsonl) {
        Map<String, String> replies = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read the replies " + jsonl + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(lines.get(i));
            } catch (IOException e) {
                n = null;
            }
            if (n == null || !n.path("text").isTextual() || !n.path("reply").isTextual()) {
                throw new ConfigException(jsonl + ": line " + (i + 1)
                        + " is not a {\"text\": ..., \"reply\": ...} object");
            }
            replies.put(n.get("text").asText(), n.get("reply").asText());
        }
        return s -> {
            String r = replies.get(s.text());
            if (r == null) {
                throw new ConfigException(jsonl + " has no reply for the sentence '" + s.text() + "'");
            }
            return r;
        };
    }

    /**
     * Writes one line per scored utterance.
     *
     * @param scored      utterances with their snapped hypotheses (e.g. {@link Evaluation.Result#scored()})
     * @param llm         the model whose detokenizer turns snapped ids into the input text
     * @param format      the layout
     * @param instruction the Alpaca instruction or the chat system message (may be null or empty for none)
     * @param output      the desired output of each utterance, e.g. {@link #REFERENCE}
     * @return the number of lines written
     */
    public static int write(Iterable<Evaluation.Scored> scored, LanguageModel llm, Format format, String instruction,
            Function<Evaluation.Scored, String> output, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        int n = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Evaluation.Scored s : scored) {
                int[] ids = s.hypothesis();
                String input = ids.length == 0 ? "" : llm.detokenize(ids).strip();
                String out = output.apply(s);
                ObjectNode o = JSON.createObjectNode();
                if (format == Format.ALPACA) {
                    o.put("instruction", instruction == null ? "" : instruction);
                    o.put("input", input);
                    o.put("output", out);
                } else {
                    ArrayNode m = o.putArray("messages");
                    if (instruction != null && !instruction.isEmpty()) {
                        m.addObject().put("role", "system").put("content", instruction);
                    }
                    m.addObject().put("role", "user").put("content", input);
                    m.addObject().put("role", "assistant").put("content", out);
                }
                w.write(JSON.writeValueAsString(o));
                w.newLine();
                n++;
            }
        }
        return n;
    }
}
