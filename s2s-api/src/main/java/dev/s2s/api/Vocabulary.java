package dev.s2s.api;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A language model's vocabulary as stored in its model file: the token strings (in the model's
 * own spelling, e.g. SentencePiece {@code ▁} for a space), scores, types and special ids.
 * Immutable and thread-safe.
 *
 * @param tokens the token strings, indexed by id
 * @param scores per-token scores (empty when the file has none)
 * @param types  per-token types using GGUF's numbering (see {@link #NORMAL} and the others);
 *               empty when the file has none
 * @param bos    beginning-of-sequence id, or -1
 * @param eos    end-of-sequence id, or -1
 * @param unk    unknown-token id, or -1
 * @param pad    padding id, or -1
 */
public record Vocabulary(List<String> tokens, float[] scores, int[] types, int bos, int eos, int unk, int pad) {

    /** GGUF token type: a normal token. */
    public static final int NORMAL = 1;
    /** GGUF token type: the unknown token. */
    public static final int UNKNOWN = 2;
    /** GGUF token type: a control token (BOS, EOS and the like). */
    public static final int CONTROL = 3;
    /** GGUF token type: a user-defined token. */
    public static final int USER_DEFINED = 4;
    /** GGUF token type: an unused slot. */
    public static final int UNUSED = 5;
    /** GGUF token type: a raw byte token such as {@code <0x0A>}. */
    public static final int BYTE = 6;

    /** Validates and copies. */
    public Vocabulary {
        tokens = List.copyOf(tokens);
        scores = Objects.requireNonNull(scores, "scores").clone();
        types = Objects.requireNonNull(types, "types").clone();
        if (scores.length != 0 && scores.length != tokens.size()) {
            throw new IllegalArgumentException("scores length " + scores.length + " != vocabulary size " + tokens.size());
        }
        if (types.length != 0 && types.length != tokens.size()) {
            throw new IllegalArgumentException("types length " + types.length + " != vocabulary size " + tokens.size());
        }
    }

    /** A vocabulary of plain tokens with no scores, types or specials. */
    public static Vocabulary of(List<String> tokens) {
        return new Vocabulary(tokens, new float[0], new int[0], -1, -1, -1, -1);
    }

    /** Number of tokens. */
    public int size() {
        return tokens.size();
    }

    /** The string of token {@code id}. */
    public String token(int id) {
        return tokens.get(id);
    }

    /** The type of token {@code id}, or {@link #NORMAL} when the file has no types. */
    public int type(int id) {
        return types.length == 0 ? NORMAL : types[id];
    }

    @Override
    public float[] scores() {
        return scores.clone();
    }

    @Override
    public int[] types() {
        return types.clone();
    }

    /** Ids of every token whose type is one of {@code wanted}, ascending. */
    public int[] idsOfType(int... wanted) {
        return java.util.stream.IntStream.range(0, size())
                .filter(i -> Arrays.stream(wanted).anyMatch(w -> w == type(i))).toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && v.tokens.equals(tokens) && Arrays.equals(v.scores, scores)
                && Arrays.equals(v.types, types) && v.bos == bos && v.eos == eos && v.unk == unk && v.pad == pad;
    }

    @Override
    public int hashCode() {
        return tokens.hashCode() * 31 + Arrays.hashCode(types);
    }

    @Override
    public String toString() {
        return "Vocabulary[" + size() + " tokens, bos=" + bos + ", eos=" + eos + "]";
    }
}
