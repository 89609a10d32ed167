package dev.s2s.gtts.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text preparation and chunking that give the same chunks as gTTS 2.5: the pre-processors
 * (space after tone marks, "-\n" hyphenation joined, the period after known abbreviations dropped,
 * "Esq." spelled out), then, for text longer than {@value #MAX_CHARS} code points, a split on
 * speech-pausing punctuation, removal of punctuation-only pieces, and a cut of every piece to at
 * most {@value #MAX_CHARS} code points at its last space. Lengths count code points, as Python's
 * {@code len} does. Not API. Thread-safe: stateless.
 */
public final class TextChunker {

    /** The most code points Google's TTS endpoint takes in one request. */
    public static final int MAX_CHARS = 100;

    /** Punctuation that pauses speech (gTTS's {@code ALL_PUNC}). */
    static final String ALL_PUNC = "?!？！.,¡()[]¿…‥،;:—。，、：\n";
    /** Tone-modifying punctuation, kept with the preceding text. */
    static final String TONE_MARKS = "?!？！";
    /** Abbreviations that read the same without their period. */
    static final List<String> ABBREVIATIONS = List.of("dr", "jr", "mr", "mrs", "ms", "msgr", "prof", "sr", "st");

    /** Python's {@code re.IGNORECASE} on str patterns, and {@code .} that stops only at "\n". */
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNIX_LINES;

    private static final List<Pattern> ABBREVIATION_PERIODS = ABBREVIATIONS.stream()
            .map(a -> Pattern.compile("(?<=" + a + ")(?=\\.)\\.", FLAGS)).toList();
    private static final Pattern ESQ = Pattern.compile("Esq\\.", FLAGS);
    private static final Pattern SPLIT = Pattern.compile(splitPattern(), FLAGS);

    private TextChunker() {
    }

    /** The split regex: tone marks, then ". " / ", ", then ":", then the other punctuation. */
    private static String splitPattern() {
        List<String> alts = new ArrayList<>();
        for (char c : TONE_MARKS.toCharArray()) {
            alts.add("(?<=" + Pattern.quote(String.valueOf(c)) + ").");
        }
        // Period or comma followed by a space, unless preceded by ".<letter>" (dotted abbreviations).
        alts.add("(?<!\\.[a-z])\\. ");
        alts.add("(?<!\\.[a-z]), ");
        // Colon unless after a digit (10:30); Python's \d is any Unicode decimal digit.
        alts.add("(?<!\\p{Nd}):");
        StringBuilder other = new StringBuilder();
        for (char c : ALL_PUNC.toCharArray()) {
            if (TONE_MARKS.indexOf(c) < 0 && c != '.' && c != ',' && c != ':') {
                other.append(c == '\n' ? "\\n" : Pattern.quote(String.valueOf(c)));
                other.append('|');
            }
        }
        other.setLength(other.length() - 1);
        alts.add(other.toString());
        return String.join("|", alts);
    }

    /**
     * The text after gTTS's pre-processors, in gTTS's order: tone marks, end of line, abbreviations,
     * word substitutions. The input is stripped first.
     */
    public static String preprocess(String text) {
        String t = pyStrip(text);
        StringBuilder sb = new StringBuilder(t.length() + 8);
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            sb.append(c);
            if (TONE_MARKS.indexOf(c) >= 0) {
                sb.append(' ');
            }
        }
        t = sb.toString().replace("-\n", "");
        for (Pattern p : ABBREVIATION_PERIODS) {
            t = p.matcher(t).replaceAll("");
        }
        return ESQ.matcher(t).replaceAll(Matcher.quoteReplacement("Esquire"));
    }

    /** The request chunks for {@code text}, each at most {@value #MAX_CHARS} code points; empty when nothing is left to speak. */
    public static List<String> chunks(String text) {
        String t = preprocess(text);
        if (codePoints(t) <= MAX_CHARS) {
            return clean(List.of(t));
        }
        List<String> out = new ArrayList<>();
        for (String token : clean(List.of(SPLIT.split(t, -1)))) {
            minimize(token, out);
        }
        out.removeIf(String::isEmpty);
        return List.copyOf(out);
    }

    /** Drops pieces made only of punctuation and whitespace, and strips the others. */
    static List<String> clean(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String t : tokens) {
            if (!onlyPunctuationOrSpace(t)) {
                out.add(pyStrip(t));
            }
        }
        return out;
    }

    private static boolean onlyPunctuationOrSpace(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            // Python's string.whitespace: space, \t, \n, \r, \v, \f.
            boolean ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == '\f';
            if (!ws && ALL_PUNC.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Cuts {@code s} into pieces of at most {@value #MAX_CHARS} code points at the last space, as gTTS's {@code _minimize}. */
    static void minimize(String s, List<String> out) {
        String rest = s;
        while (true) {
            if (rest.startsWith(" ")) {
                rest = rest.substring(1);
            }
            if (codePoints(rest) <= MAX_CHARS) {
                out.add(rest);
                return;
            }
            int limit = rest.offsetByCodePoints(0, MAX_CHARS);
            int space = rest.lastIndexOf(' ', limit - 1);
            int cut = space >= 0 ? space : limit;
            out.add(rest.substring(0, cut));
            rest = rest.substring(cut);
        }
    }

    static int codePoints(String s) {
        return s.codePointCount(0, s.length());
    }

    /** Python's {@code str.strip()}: removes leading and trailing characters for which {@code isspace()} is true. */
    static String pyStrip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && pyIsSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && pyIsSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Python's {@code isspace()} for a BMP character: Java's whitespace plus the no-break spaces and NEL. */
    static boolean pyIsSpace(char c) {
        return Character.isWhitespace(c) || c == '\u0085' || c == '\u00A0' || c == '\u2007' || c == '\u202F';
    }
}
