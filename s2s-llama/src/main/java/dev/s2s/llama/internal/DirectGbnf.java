package dev.s2s.llama.internal;

import java.util.LinkedHashSet;
import java.util.Set;

import dev.s2s.api.GenerationException;

/**
 * A syntax check of GBNF grammars, following llama.cpp's grammar parser (b4916): rules
 * {@code name ::= alternatives}, alternatives separated by {@code |}, items being string literals,
 * character classes, rule references, {@code .}, or parenthesised groups, each optionally followed
 * by {@code * + ?} or {@code {m,n}}; {@code #} comments; newlines end a rule outside
 * parentheses. Every referenced rule and {@code root} must be defined.
 *
 * <p>It exists because llama.cpp, given a broken grammar, prints the error to stderr and quietly
 * samples without any constraint. Stateless and thread-safe.
 */
public final class DirectGbnf {

    private final String src;
    private int pos;
    private final Set<String> defined = new LinkedHashSet<>();
    private final Set<String> used = new LinkedHashSet<>();

    private DirectGbnf(String src) {
        this.src = src;
    }

    /**
     * Checks {@code grammar}.
     *
     * @throws GenerationException naming the first problem and its position
     */
    public static void check(String grammar, String root) {
        DirectGbnf p = new DirectGbnf(grammar);
        p.grammar();
        for (String u : p.used) {
            if (!p.defined.contains(u)) {
                throw new GenerationException("GBNF grammar: rule '" + u + "' is used but never defined");
            }
        }
        if (!p.defined.contains(root)) {
            throw new GenerationException("GBNF grammar: it defines no '" + root + "' rule");
        }
    }

    private void grammar() {
        space(true);
        while (pos < src.length()) {
            String name = name();
            space(false);
            if (!src.startsWith("::=", pos)) {
                throw fail("expected ::= after rule name '" + name + "'");
            }
            pos += 3;
            space(true);
            alternates(false);
            defined.add(name);
            if (pos < src.length() && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
                throw fail("unexpected '" + src.charAt(pos) + "'");
            }
            space(true);
        }
    }

    private void alternates(boolean nested) {
        sequence(nested);
        while (pos < src.length() && src.charAt(pos) == '|') {
            pos++;
            space(true);
            sequence(nested);
        }
    }

    private void sequence(boolean nested) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '"') {
                pos++;
                while (true) {
                    if (pos >= src.length()) {
                        throw fail("unterminated string literal");
                    }
                    char d = src.charAt(pos);
                    if (d == '"') {
                        pos++;
                        break;
                    }
                    charOrEscape();
                }
            } else if (c == '[') {
                pos++;
                if (pos < src.length() && src.charAt(pos) == '^') {
                    pos++;
                }
                while (true) {
                    if (pos >= src.length()) {
                        throw fail("unterminated character class");
                    }
                    if (src.charAt(pos) == ']') {
                        pos++;
                        break;
                    }
                    charOrEscape();
                    if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                        pos++;
                        charOrEscape();
                    }
                }
            } else if (isWord(c)) {
                used.add(name());
            } else if (c == '(') {
                pos++;
                space(true);
                alternates(true);
                if (pos >= src.length() || src.charAt(pos) != ')') {
                    throw fail("expected ')'");
                }
                pos++;
            } else if (c == '.') {
                pos++;
            } else {
                return; // '|', ')', end of line, or an error the caller reports
            }
            space(nested);
            repetition(nested);
        }
    }

    private void repetition(boolean nested) {
        if (pos >= src.length()) {
            return;
        }
        char c = src.charAt(pos);
        if (c == '*' || c == '+' || c == '?') {
            pos++;
            space(nested);
        } else if (c == '{') {
            pos++;
            space(nested);
            digits();
            space(nested);
            if (pos < src.length() && src.charAt(pos) == ',') {
                pos++;
                space(nested);
                digits();
                space(nested);
            }
            if (pos >= src.length() || src.charAt(pos) != '}') {
                throw fail("expected '}' to close a repetition");
            }
            pos++;
            space(nested);
        }
    }

    private void digits() {
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            pos++;
        }
    }

    private void charOrEscape() {
        char c = src.charAt(pos++);
        if (c != '\\') {
            return;
        }
        if (pos >= src.length()) {
            throw fail("unfinished escape");
        }
        char e = src.charAt(pos++);
        int hex = switch (e) {
            case 'x' -> 2;
            case 'u' -> 4;
            case 'U' -> 8;
            case 't', 'r', 'n', '\\', '"', '[', ']' -> 0;
            default -> throw fail("unknown escape '\\" + e + "'");
        };
        for (int i = 0; i < hex; i++) {
            if (pos >= src.length() || Character.digit(src.charAt(pos), 16) < 0) {
                throw fail("expected " + hex + " hex digits after \\" + e);
            }
            pos++;
        }
    }

    private String name() {
        int start = pos;
        while (pos < src.length() && isWord(src.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw fail("expected a rule name");
        }
        return src.substring(start, pos);
    }

    private static boolean isWord(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }

    private void space(boolean newlineOk) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || (newlineOk && (c == '\r' || c == '\n'))) {
                pos++;
            } else if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private GenerationException fail(String what) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < Math.min(pos, src.length()); i++) {
            if (src.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new GenerationException("GBNF grammar does not parse at line " + line + ", column " + col + ": " + what);
    }
}
