package dev.s2s.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.s2s.api.ConfigException;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.Prompt;

/**
 * Sentence sources for datasets: a text file, or text sampled from a {@link LanguageModel}, split
 * into sentences and de-duplicated. Stateless and thread-safe.
 */
public final class Sentences {

    private static final Pattern END = Pattern.compile("(?<=[.!?][\"')\\]]{0,2})\\s+");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private Sentences() {
    }

    /** Splits text into sentences at {@code . ! ?} followed by white space; trims and drops empties. */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String s : END.split(text)) {
            String t = SPACES.matcher(s).replaceAll(" ").strip();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * The sentences of a text file (split and de-duplicated, in order).
     *
     * @throws ConfigException when the file cannot be read
     */
    public static List<String> fromFile(Path file) {
        try {
            return dedupe(split(Files.readString(file, StandardCharsets.UTF_8)), 1, Integer.MAX_VALUE);
        } catch (IOException e) {
            throw new ConfigException("cannot read sentences from " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Samples up to {@code count} distinct sentences from {@code llm}: generations from
     * {@code prompt} with seeds {@code seed, seed+1, ...} at {@code temperature}, split into
     * sentences, keeping those of {@code minWords} to {@code maxWords} words that end with
     * {@code . ! ?} (a sentence cut off by the token limit is dropped). Stops after
     * {@code maxGenerations} generations.
     */
    public static List<String> sample(LanguageModel llm, String prompt, int count, float temperature, long seed,
            int maxTokens, int minWords, int maxWords, int maxGenerations) {
        Set<String> out = new LinkedHashSet<>();
        for (int g = 0; g < maxGenerations && out.size() < count; g++) {
            GenerationOptions o = GenerationOptions.builder().temperature(temperature).seed(seed + g)
                    .maxTokens(maxTokens).build();
            String text = prompt + llm.generate(Prompt.text(prompt), o).text();
            for (String s : split(text)) {
                if (out.size() >= count) {
                    break;
                }
                char last = s.charAt(s.length() - 1);
                int words = s.split(" ").length;
                if ((last == '.' || last == '!' || last == '?') && words >= minWords && words <= maxWords) {
                    out.add(s);
                }
            }
        }
        return List.copyOf(out);
    }

    /** Distinct sentences of {@code minWords..maxWords} words, in first-seen order. */
    public static List<String> dedupe(List<String> sentences, int minWords, int maxWords) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : sentences) {
            int w = s.isBlank() ? 0 : s.strip().split("\\s+").length;
            if (w >= minWords && w <= maxWords) {
                out.add(s.strip());
            }
        }
        return List.copyOf(out);
    }
}
