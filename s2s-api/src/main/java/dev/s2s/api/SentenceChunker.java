package dev.s2s.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a stream of LLM text pieces into speakable chunks for streaming text-to-speech.
 *
 * <p>Feed pieces as they arrive with {@link #accept}; it returns the chunks completed by that
 * piece (often none). {@link #flush} returns what is left at the end of a reply and makes the
 * chunker ready for the next one. Chunks are trimmed, never empty, and always hold a letter or
 * digit; joined with spaces they give back the text (whitespace normalised at the cuts).
 *
 * <p>A chunk ends at a sentence end: {@code . ! ? …} (or a run of them), then any closing quotes
 * or brackets, then white space and a next character that is not a lower-case letter. One
 * character of look-ahead is therefore needed, so a sentence is released when the next word
 * starts (or at {@link #flush}). Not sentence ends:
 * <ul>
 *   <li>abbreviations: titles ({@code Dr. Mr. Mrs. Prof. St.} ...), {@code e.g. i.e. cf. vs.},
 *       single initials ({@code J. R. R. Tolkien}), {@code No./Fig./p./Jan.} before a number, and
 *       any added with {@link Builder#abbreviations};</li>
 *   <li>decimals and other dots inside a token ({@code 3.14}, {@code U.S.A}, {@code example.com});</li>
 *   <li>a lone list number ({@code 1.}) and a run such as {@code ...} followed by a lower-case word.</li>
 * </ul>
 * A number ending a sentence ({@code in 1999. Then}) is a sentence end. CJK and other scripts'
 * full stops ({@code 。！？｡}, {@code ।}, {@code ؟}, {@code ۔}) end a sentence without white
 * space; a line break always ends a chunk.
 *
 * <p>To start speaking sooner, the first chunk of each reply may end early at a clause boundary
 * ({@code , ; :} followed by white space, a dash, or {@code ，、；：}) once it holds at least
 * {@link Builder#firstChunkMinChars} characters (20 by default).
 *
 * <p>With {@link Builder#maxChars} (e.g. 100 for gTTS) no chunk is longer: a longer one is cut at
 * the last space within the limit, else after the last clause mark (for text without spaces, such
 * as Chinese), else hard at the limit. Lengths count UTF-16 chars, so a chunk never has more code
 * points than the limit, and surrogate pairs are never split.
 *
 * <p>Not thread-safe: it holds the pending text of one stream; use one chunker per stream.
 */
public final class SentenceChunker {

    /** Titles and the like, which never end a sentence. */
    private static final Set<String> TITLES = Set.of(
            "mr", "mrs", "ms", "mx", "dr", "prof", "sr", "jr", "st", "mt", "rev", "hon", "gen", "col", "lt",
            "capt", "sgt", "gov", "sen", "rep", "pres", "fr", "messrs", "mme", "mlle", "e.g", "i.e", "cf", "vs",
            "viz", "approx", "ca", "esp", "incl", "resp");
    /** Abbreviations that do not end a sentence when a number follows. */
    private static final Set<String> BEFORE_NUMBER = Set.of(
            "no", "nos", "nr", "vol", "vols", "p", "pp", "fig", "figs", "ch", "chap", "sec", "art", "eq", "ref",
            "op", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec");
    private static final String CLOSERS = "\"'”’»)]}」』）】〉》›";
    private static final String LATIN_ENDS = ".!?…‼⁇⁈⁉";
    private static final String IMMEDIATE_ENDS = "。！？｡।॥؟۔";
    private static final String CLAUSE_MARKS = ",;:";
    private static final String CJK_CLAUSE_MARKS = "，、；：";
    private static final String SPLIT_MARKS = ",;:，、；：—–";

    private static final int NEED_MORE = -2;
    private static final int NO = -1;

    private final int maxChars;
    private final int firstChunkMinChars;
    private final Set<String> abbreviations;
    private final StringBuilder buf = new StringBuilder();
    private int scanFrom;
    private boolean emittedAny;

    private SentenceChunker(Builder b) {
        this.maxChars = b.maxChars;
        this.firstChunkMinChars = b.earlyFirstChunk ? b.firstChunkMinChars : -1;
        this.abbreviations = Set.copyOf(b.abbreviations);
    }

    /** A chunker with the defaults: no length limit, early first chunk after 20 characters. */
    public static SentenceChunker create() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The longest chunk in chars, or 0 for no limit. */
    public int maxChars() {
        return maxChars;
    }

    /**
     * Adds a piece of text (an LLM token or any fragment) and returns the chunks it completed, in
     * order; usually none.
     */
    public List<String> accept(CharSequence piece) {
        Objects.requireNonNull(piece, "piece");
        buf.append(piece);
        List<String> out = new ArrayList<>(1);
        drain(out);
        return out;
    }

    /**
     * Ends the current text: returns every chunk still pending (the last one may lack a full stop)
     * and resets the chunker for the next reply, including the early first chunk.
     */
    public List<String> flush() {
        List<String> out = new ArrayList<>(2);
        drain(out);
        emit(out, buf.toString());
        reset();
        return out;
    }

    /** Drops any pending text and starts afresh. */
    public void reset() {
        buf.setLength(0);
        scanFrom = 0;
        emittedAny = false;
    }

    /** Chunks a complete text: {@link #accept} then {@link #flush}. Any pending text comes first. */
    public List<String> split(CharSequence text) {
        List<String> out = new ArrayList<>(accept(text));
        out.addAll(flush());
        return out;
    }

    /** The text received but not yet returned in a chunk. */
    public String pending() {
        return buf.toString();
    }

    private void drain(List<String> out) {
        while (true) {
            int lead = 0;
            while (lead < buf.length() && Character.isWhitespace(buf.charAt(lead))) {
                lead++;
            }
            if (lead > 0) {
                buf.delete(0, lead);
                scanFrom = Math.max(0, scanFrom - lead);
            }
            int cut = findBoundary();
            if (cut < 0 && maxChars > 0 && buf.length() > maxChars) {
                cut = cutPoint(buf, maxChars);
            }
            if (cut < 0) {
                return;
            }
            emit(out, buf.substring(0, cut));
            buf.delete(0, cut);
            scanFrom = 0;
        }
    }

    /** The end of the first complete chunk in the buffer, or -1; remembers where to resume. */
    private int findBoundary() {
        int len = buf.length();
        for (int i = scanFrom; i < len; i++) {
            int r = check(i);
            if (r == NEED_MORE) {
                scanFrom = i;
                return -1;
            }
            if (r >= 0) {
                return r;
            }
        }
        scanFrom = len;
        return -1;
    }

    /** Whether a chunk ends at the mark at {@code i}: its end, {@link #NO} or {@link #NEED_MORE}. */
    private int check(int i) {
        char c = buf.charAt(i);
        int len = buf.length();
        if (c == '\n') {
            return speakable(0, i) ? i : NO;
        }
        if (IMMEDIATE_ENDS.indexOf(c) >= 0) {
            int k = skipClosers(skipEnds(i));
            if (k == len) {
                return NEED_MORE;
            }
            return speakable(0, k) ? k : NO;
        }
        if (LATIN_ENDS.indexOf(c) >= 0) {
            return checkLatinEnd(i);
        }
        if (firstChunkMinChars >= 0 && !emittedAny) {
            return checkClause(i);
        }
        return NO;
    }

    private int checkLatinEnd(int i) {
        int len = buf.length();
        int j = skipEnds(i);
        int k = skipClosers(j);
        if (k == len) {
            return NEED_MORE;
        }
        char after = buf.charAt(k);
        if (!Character.isWhitespace(after)) {
            // "3.14", "e.g", "example.com": a mark inside a token. Before CJK text "!" and "?" still end.
            return isCjk(after) && speakable(0, k) ? k : NO;
        }
        int m = k;
        boolean newline = false;
        while (m < len && Character.isWhitespace(buf.charAt(m))) {
            newline |= buf.charAt(m) == '\n';
            m++;
        }
        if (!newline) {
            if (m == len) {
                return NEED_MORE;
            }
            char next = buf.charAt(m);
            if (Character.isLowerCase(next)) {
                return NO;
            }
            if (buf.charAt(i) == '.' && j == i + 1 && (isAbbreviation(wordBefore(i), next) || isListNumber(i))) {
                return NO;
            }
        }
        return speakable(0, k) ? k : NO;
    }

    private int checkClause(int i) {
        char c = buf.charAt(i);
        boolean latin = CLAUSE_MARKS.indexOf(c) >= 0;
        boolean cjk = CJK_CLAUSE_MARKS.indexOf(c) >= 0;
        boolean dash = c == '—' || c == '–' || (c == '-' && i > 0 && Character.isWhitespace(buf.charAt(i - 1)));
        if (!latin && !cjk && !dash) {
            return NO;
        }
        if (trimmedLength(0, i + 1) < firstChunkMinChars || !speakable(0, i)) {
            return NO;
        }
        if (cjk) {
            return i + 1;
        }
        if (i + 1 == buf.length()) {
            return NEED_MORE;
        }
        char next = buf.charAt(i + 1);
        if (latin || c == '-') {
            return Character.isWhitespace(next) ? i + 1 : NO;
        }
        // an en or em dash, but not a range such as 1990–1995
        boolean range = i > 0 && Character.isDigit(buf.charAt(i - 1)) && Character.isDigit(next);
        return range ? NO : i + 1;
    }

    private int skipEnds(int i) {
        int j = i;
        while (j < buf.length() && (LATIN_ENDS.indexOf(buf.charAt(j)) >= 0 || IMMEDIATE_ENDS.indexOf(buf.charAt(j)) >= 0)) {
            j++;
        }
        return j;
    }

    private int skipClosers(int j) {
        while (j < buf.length() && CLOSERS.indexOf(buf.charAt(j)) >= 0) {
            j++;
        }
        return j;
    }

    /** The letters and inner dots before the dot at {@code i}, e.g. "Dr" or "e.g". */
    private String wordBefore(int i) {
        int s = i;
        while (s > 0 && (Character.isLetter(buf.charAt(s - 1)) || buf.charAt(s - 1) == '.')) {
            s--;
        }
        return buf.substring(s, i);
    }

    private boolean isAbbreviation(String word, char next) {
        if (word.isEmpty()) {
            return false;
        }
        String w = word.toLowerCase(Locale.ROOT);
        if (TITLES.contains(w) || abbreviations.contains(w)) {
            return true;
        }
        if (Character.isDigit(next) && BEFORE_NUMBER.contains(w)) {
            return true;
        }
        // an initial, as in "J. R. R. Tolkien"; "I" is a word
        return word.length() == 1 && Character.isUpperCase(word.charAt(0)) && word.charAt(0) != 'I';
    }

    /** True when the text before the dot at {@code i} is only a short number, as in a list "1.". */
    private boolean isListNumber(int i) {
        int n = 0;
        for (int p = 0; p < i; p++) {
            char ch = buf.charAt(p);
            if (Character.isWhitespace(ch)) {
                continue;
            }
            if (!Character.isDigit(ch) || ++n > 3) {
                return false;
            }
        }
        return n > 0;
    }

    private boolean speakable(int from, int to) {
        return hasLetterOrDigit(buf, from, to);
    }

    /** True when {@code s[from, to)} holds a letter or digit (code points, so CJK Extension B counts). */
    private static boolean hasLetterOrDigit(CharSequence s, int from, int to) {
        for (int p = from; p < to; ) {
            int cp = Character.codePointAt(s, p);
            if (Character.isLetterOrDigit(cp)) {
                return true;
            }
            p += Character.charCount(cp);
        }
        return false;
    }

    private int trimmedLength(int from, int to) {
        while (from < to && Character.isWhitespace(buf.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(buf.charAt(to - 1))) {
            to--;
        }
        return to - from;
    }

    private static boolean isCjk(char ch) {
        Character.UnicodeScript s = Character.UnicodeScript.of(ch);
        return s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA
                || s == Character.UnicodeScript.KATAKANA;
    }

    /** Adds {@code text}, trimmed and cut to {@link #maxChars}, when it holds something to say. */
    private void emit(List<String> out, String text) {
        String rest = text.strip();
        while (maxChars > 0 && rest.length() > maxChars) {
            int cut = cutPoint(rest, maxChars);
            add(out, rest.substring(0, cut));
            rest = rest.substring(cut).strip();
        }
        add(out, rest);
    }

    private void add(List<String> out, String chunk) {
        String s = chunk.strip();
        if (hasLetterOrDigit(s, 0, s.length())) {
            out.add(s);
            emittedAny = true;
        }
    }

    /**
     * Where to cut {@code s} (longer than {@code max}, no leading white space) so that the head
     * has at most {@code max} chars: at the last white space, else after the last clause mark,
     * else at {@code max} (one less if that would split a surrogate pair).
     */
    static int cutPoint(CharSequence s, int max) {
        for (int w = Math.min(max, s.length() - 1); w > 0; w--) {
            if (Character.isWhitespace(s.charAt(w))) {
                return w;
            }
        }
        for (int p = max - 1; p > 0; p--) {
            if (SPLIT_MARKS.indexOf(s.charAt(p)) >= 0 || IMMEDIATE_ENDS.indexOf(s.charAt(p)) >= 0) {
                return p + 1;
            }
        }
        return Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    }

    /**
     * Options for a {@link SentenceChunker}. Not thread-safe.
     */
    public static final class Builder {
        private int maxChars;
        private int firstChunkMinChars = 20;
        private boolean earlyFirstChunk = true;
        private final Set<String> abbreviations = new TreeSet<>();

        private Builder() {
        }

        /**
         * The longest chunk in chars (e.g. 100 for gTTS), at least 2; 0 means no limit (the
         * default).
         *
         * @throws IllegalArgumentException when negative or 1
         */
        public Builder maxChars(int maxChars) {
            if (maxChars < 0 || maxChars == 1) {
                throw new IllegalArgumentException("maxChars must be 0 (no limit) or at least 2, got " + maxChars);
            }
            this.maxChars = maxChars;
            return this;
        }

        /**
         * How many characters the first chunk needs before a clause boundary may end it (default
         * 20).
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder firstChunkMinChars(int chars) {
            if (chars < 0) {
                throw new IllegalArgumentException("firstChunkMinChars must not be negative, got " + chars);
            }
            this.firstChunkMinChars = chars;
            return this;
        }

        /** Whether the first chunk may end at a clause boundary (default true). */
        public Builder earlyFirstChunk(boolean early) {
            this.earlyFirstChunk = early;
            return this;
        }

        /**
         * Adds abbreviations that never end a sentence, without the final dot and matched
         * case-insensitively, e.g. {@code "approx"} or {@code "z.B"}.
         *
         * @throws IllegalArgumentException when one is blank
         */
        public Builder abbreviations(String... words) {
            for (String w : words) {
                String s = Objects.requireNonNull(w, "abbreviation").strip();
                while (s.endsWith(".")) {
                    s = s.substring(0, s.length() - 1);
                }
                if (s.isEmpty()) {
                    throw new IllegalArgumentException("abbreviation must not be blank");
                }
                abbreviations.add(s.toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /** The chunker. */
        public SentenceChunker build() {
            return new SentenceChunker(this);
        }
    }
}
