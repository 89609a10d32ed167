package dev.s2s.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.TokenMatrix;
import dev.s2s.api.Vocabulary;

/**
 * The failing variant, as an experiment: the same network is trained to predict ids of a
 * vocabulary of its own (the characters of the training text, scored against a frozen random
 * codebook of the LLM's embedding width), and those ids are then handed to the language model as
 * if they were its token ids. It measures why snapping into the LLM's own embedding space is
 * needed: the network learns its own task (a low character error rate), yet the ids mean nothing
 * to the LLM (a TER near or above 1 against the LLM's tokenization of the same sentences).
 *
 * <p>Characters come faster than tokens: at 50 feature frames per second, a stack of 2 (25 output
 * frames per second) keeps most sentences CTC-feasible, where a stack of 4 skips many (they are
 * counted in {@link TrainingResult#skippedInfeasible()}).
 *
 * <p>Stateless and thread-safe.
 */
public final class OwnVocabularyExperiment {

    private OwnVocabularyExperiment() {
    }

    /**
     * The outcome.
     *
     * @param training      the training run on character ids
     * @param ownVocabulary held-out scores in the network's own vocabulary (character error rate)
     * @param asLlmIds      held-out scores of the same ids read as LLM token ids, against the LLM's
     *                      tokenization of the reference
     * @param examples      decoded held-out examples fed to the LLM as token ids, with continuations
     * @param alphabet      the characters of the own vocabulary, by id
     */
    public record Result(TrainingResult training, Evaluation.Result ownVocabulary, Evaluation.Result asLlmIds,
            List<Evaluation.Example> examples, String alphabet) {
    }

    /**
     * Runs the experiment.
     *
     * @param trainer  the trainer (same settings as the snapped run)
     * @param train    training utterances (their texts define the alphabet)
     * @param heldOut  held-out utterances
     * @param llm      the language model the ids are handed to
     * @param examples number of examples to feed to the LLM
     * @param options  generation options for the continuations
     */
    public static Result run(ProjectorTrainer trainer, List<Utterance> train, List<Utterance> heldOut,
            LanguageModel llm, int examples, GenerationOptions options) {
        TreeSet<Integer> chars = new TreeSet<>();
        for (Utterance u : train) {
            u.text().codePoints().forEach(chars::add);
        }
        if (chars.isEmpty()) {
            throw new IllegalArgumentException("the training utterances carry no text to build an alphabet from");
        }
        StringBuilder alphabet = new StringBuilder();
        chars.forEach(alphabet::appendCodePoint);
        List<Integer> ids = new ArrayList<>(chars);
        int dim = llm.tokenEmbeddings().dim();
        int v = ids.size();
        Random r = new Random(1234);
        float[] codebook = new float[v * dim];
        for (int i = 0; i < codebook.length; i++) {
            codebook[i] = (float) r.nextGaussian();
        }
        List<String> names = ids.stream().map(Character::toString).toList();
        TokenMatrix own = TokenMatrix.ofFloats(codebook, v, dim, Vocabulary.of(names));
        List<Utterance> trainChars = toChars(train, ids);
        List<Utterance> heldChars = toChars(heldOut, ids);
        TrainingResult tr = trainer.train(trainChars, heldChars, own);
        Evaluation.Result ownScore = Evaluation.evaluate(tr.projector(), heldChars);
        // the same decoded ids, read as LLM ids, against the LLM tokenization
        TrainedProjector p = tr.projector();
        Evaluation.Result asLlm = Evaluation.evaluate(heldOut, feats -> clampToVocabulary(p.decode(feats), llm));
        List<Evaluation.Example> ex = Evaluation.examples(asLlm, llm, examples, options);
        return new Result(tr, ownScore, asLlm, ex, alphabet.toString());
    }

    private static int[] clampToVocabulary(int[] ids, LanguageModel llm) {
        int rows = llm.tokenEmbeddings().rows();
        return java.util.Arrays.stream(ids).filter(i -> i < rows).toArray();
    }

    private static List<Utterance> toChars(List<Utterance> data, List<Integer> alphabet) {
        List<Utterance> out = new ArrayList<>();
        for (Utterance u : data) {
            int[] c = u.text().codePoints().map(cp -> Math.max(0, alphabet.indexOf(cp))).toArray();
            if (c.length == 0) {
                continue;
            }
            EmbeddingSequence f = u.features();
            out.add(new Utterance(u.id(), u.text(), c, u.voice(), f));
        }
        return out;
    }
}
