package dev.s2s.llama.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

import dev.s2s.api.Vocabulary;

/**
 * Recovers token ids from the text pieces java-llama.cpp streams. Version 4.2.0 reports only the
 * text of each generated token (its per-token probability output, which would carry the ids,
 * aborts the JVM), so each piece is matched against the piece llama.cpp itself renders for every
 * id ({@code decode(new int[]{id})}): an exact match first, else a longest-prefix split, with
 * SentencePiece byte tokens ({@code <0xNN>}) for characters no token spells. Control and unknown
 * tokens render as nothing in generated text and are never matched.
 *
 * <p>Immutable after construction and thread-safe.
 */
public final class PieceMatcher {

    private final Map<String, Integer> byPiece = new HashMap<>();
    private final int[] byteToken = new int[256];
    private final int maxLength;

    /**
     * @param vocabulary the model's vocabulary (for token types)
     * @param piece      llama.cpp's rendering of one token id
     */
    public PieceMatcher(Vocabulary vocabulary, IntFunction<String> piece) {
        Arrays.fill(byteToken, -1);
        int max = 1;
        for (int id = 0; id < vocabulary.size(); id++) {
            int type = vocabulary.type(id);
            if (type == Vocabulary.CONTROL || type == Vocabulary.UNKNOWN || type == Vocabulary.UNUSED) {
                continue;
            }
            String tok = vocabulary.token(id);
            if (type == Vocabulary.BYTE && tok.length() == 6 && tok.startsWith("<0x") && tok.endsWith(">")) {
                try {
                    byteToken[Integer.parseInt(tok.substring(3, 5), 16)] = id;
                } catch (NumberFormatException e) {
                    // not a byte token after all
                }
                continue;
            }
            String p = piece.apply(id);
            if (p.isEmpty() || p.indexOf('\uFFFD') >= 0) {
                continue;
            }
            Integer prev = byPiece.get(p);
            // prefer normal tokens over user-defined ones, then the lowest id
            if (prev == null || (vocabulary.type(prev) != Vocabulary.NORMAL && type == Vocabulary.NORMAL)) {
                byPiece.put(p, id);
            }
            max = Math.max(max, p.length());
        }
        maxLength = max;
    }

    /** The ids whose pieces spell {@code text}, in order (empty for empty text). */
    public int[] ids(String text) {
        Integer exact = byPiece.get(text);
        if (exact != null) {
            return new int[] {exact};
        }
        int[] out = new int[Math.max(4, text.length())];
        int n = 0;
        int pos = 0;
        while (pos < text.length()) {
            int matched = 0;
            for (int len = Math.min(maxLength, text.length() - pos); len > 0; len--) {
                Integer id = byPiece.get(text.substring(pos, pos + len));
                if (id != null) {
                    out = grow(out, n + 1);
                    out[n++] = id;
                    matched = len;
                    break;
                }
            }
            if (matched == 0) {
                int cp = text.codePointAt(pos);
                matched = Character.charCount(cp);
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    int id = byteToken[b & 0xFF];
                    if (id >= 0) {
                        out = grow(out, n + 1);
                        out[n++] = id;
                    }
                }
            }
            pos += matched;
        }
        return Arrays.copyOf(out, n);
    }

    private static int[] grow(int[] a, int need) {
        return need <= a.length ? a : Arrays.copyOf(a, Math.max(need, a.length * 2));
    }
}
