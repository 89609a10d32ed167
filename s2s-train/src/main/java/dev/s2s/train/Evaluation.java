package dev.s2s.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.Prompt;
import dev.s2s.api.SnapOptions;
import dev.s2s.api.TokenSnapper;

/**
 * Scores a decoder on held-out utterances: token error rate (TER: total edit distance over total
 * reference length), exact-match rate, and TER per voice. The decoder may be a
 * {@link TrainedProjector} or the runtime path (an {@link EmbeddingProjector} followed by a
 * {@link TokenSnapper}), so what was trained and what is deployed are scored the same way.
 *
 * <p>Stateless and thread-safe.
 */
public final class Evaluation {

    private Evaluation() {
    }

    /**
     * One scored utterance.
     *
     * @param id         the utterance id
     * @param voice      its voice
     * @param text       its reference text
     * @param reference  the reference token ids
     * @param hypothesis the decoded token ids
     * @param errors     the edit distance between them
     */
    public record Scored(String id, String voice, String text, int[] reference, int[] hypothesis, int errors) {

        /** Copies. */
        public Scored {
            reference = reference.clone();
            hypothesis = hypothesis.clone();
        }

        @Override
        public int[] reference() {
            return reference.clone();
        }

        @Override
        public int[] hypothesis() {
            return hypothesis.clone();
        }
    }

    /**
     * The scores of a set of utterances.
     *
     * @param ter             total edit distance over total reference tokens
     * @param exactMatch      fraction of utterances decoded exactly
     * @param utterances      utterances scored
     * @param referenceTokens total reference tokens
     * @param errors          total edit distance
     * @param perVoiceTer     TER of each voice, by voice name
     * @param scored          every utterance with its hypothesis, in input order
     */
    public record Result(double ter, double exactMatch, int utterances, long referenceTokens, long errors,
            Map<String, Double> perVoiceTer, List<Scored> scored) {

        /** Copies. */
        public Result {
            perVoiceTer = Map.copyOf(perVoiceTer);
            scored = List.copyOf(scored);
        }
    }

    /**
     * A decoded example fed to the language model.
     *
     * @param id           the utterance id
     * @param reference    the reference text
     * @param decoded      the decoded ids as text (the LLM's detokenizer)
     * @param continuation what the LLM generated after the decoded ids
     * @param errors       edit distance of the ids
     */
    public record Example(String id, String reference, String decoded, String continuation, int errors) {
    }

    /**
     * Feeds the first {@code count} scored utterances to {@code llm}: the decoded ids as a token
     * prompt (as text when the model does not take token prompts), and returns each with the
     * model's continuation.
     */
    public static List<Example> examples(Result result, LanguageModel llm, int count, GenerationOptions options) {
        List<Example> out = new ArrayList<>();
        for (Scored s : result.scored().subList(0, Math.min(count, result.scored().size()))) {
            int[] ids = s.hypothesis();
            String decoded = ids.length == 0 ? "" : llm.detokenize(ids);
            Prompt prompt = llm.supportedPrompts().contains(Prompt.Kind.TOKENS) && ids.length > 0 ? Prompt.tokens(ids)
                    : Prompt.text(decoded);
            String cont = llm.generate(prompt, options).text();
            out.add(new Example(s.id(), s.text(), decoded, cont, s.errors()));
        }
        return out;
    }

    /** Scores a trained projector with its own greedy CTC decoding. */
    public static Result evaluate(TrainedProjector projector, List<Utterance> data) {
        return evaluate(data, projector::decode);
    }

    /**
     * A decoder over the runtime token path: project, then snap. Pass snap options with the
     * projector's blank and {@code collapseRepeats(true)} to reproduce greedy CTC decoding.
     */
    public static Function<EmbeddingSequence, int[]> runtimeDecoder(EmbeddingProjector projector, TokenSnapper snapper,
            SnapOptions options) {
        return features -> snapper.snap(projector.project(features), options).tokens();
    }

    /** Scores {@code decoder} on {@code data}. */
    public static Result evaluate(List<Utterance> data, Function<EmbeddingSequence, int[]> decoder) {
        List<Scored> scored = new ArrayList<>(data.size());
        long refTotal = 0;
        long errTotal = 0;
        int exact = 0;
        Map<String, long[]> voices = new TreeMap<>();
        for (Utterance u : data) {
            int[] ref = u.tokens();
            int[] hyp = decoder.apply(u.features());
            int e = editDistance(ref, hyp);
            scored.add(new Scored(u.id(), u.voice(), u.text(), ref, hyp, e));
            refTotal += ref.length;
            errTotal += e;
            if (Arrays.equals(ref, hyp)) {
                exact++;
            }
            long[] v = voices.computeIfAbsent(u.voice(), k -> new long[2]);
            v[0] += e;
            v[1] += ref.length;
        }
        Map<String, Double> perVoice = new TreeMap<>();
        voices.forEach((k, v) -> perVoice.put(k, v[1] == 0 ? 0.0 : (double) v[0] / v[1]));
        double ter = refTotal == 0 ? 0 : (double) errTotal / refTotal;
        double em = data.isEmpty() ? 0 : (double) exact / data.size();
        return new Result(ter, em, data.size(), refTotal, errTotal, perVoice, scored);
    }

    /** Levenshtein distance (insertions, deletions and substitutions each cost 1). */
    public static int editDistance(int[] a, int[] b) {
        int[] prev = new int[b.length + 1];
        int[] cur = new int[b.length + 1];
        for (int j = 0; j <= b.length; j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length; i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length; j++) {
                int sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length];
    }
}
