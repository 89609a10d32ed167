package dev.s2s.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.s2s.api.LanguageModel;

/**
 * The Unsloth bridge: writes JSONL pairs for fine-tuning the language model on noisy snapped
 * inputs. The input is the snapped token ids detokenized by the LLM; the output is the reference
 * sentence or any desired reply. Two layouts: Alpaca ({@code instruction}, {@code input},
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
