package dev.s2s.llama;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.s2s.api.GenerationException;
import dev.s2s.llama.internal.DirectGbnf;

/** The Java-side GBNF syntax check that guards llama.cpp's silent grammar failures. */
class DirectGbnfTest {

    @Test
    void acceptsRealGrammars() {
        String json = """
                root   ::= object
                value  ::= object | array | string | number | ("true" | "false" | "null") ws

                object ::=
                  "{" ws (
                            string ":" ws value
                    ("," ws string ":" ws value)*
                  )? "}" ws

                array  ::=
                  "[" ws (
                            value
                    ("," ws value)*
                  )? "]" ws

                string ::=
                  "\\"" (
                    [^"\\\\\\x7F\\x00-\\x1F] |
                    "\\\\" (["\\\\bfnrt] | "u" [0-9a-fA-F]{4}) # escapes
                  )* "\\"" ws

                number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]+)? ([eE] [-+]? [0-9] [1-9]{0,15})? ws

                # Optional space: by convention, applied in this grammar after literal chars when allowed
                ws ::= | " " | "\\n" [ \\t]{0,20}
                """;
        assertThatCode(() -> DirectGbnf.check(json, "root")).doesNotThrowAnyException();
        assertThatCode(() -> DirectGbnf.check("root ::= [ ]? (\"a\" | \"the\" | \" \")+ .", "root"))
                .doesNotThrowAnyException();
        assertThatCode(() -> DirectGbnf.check("root ::= \"\\u00e9\" x\nx ::= [a-z]*", "root"))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesBrokenGrammars() {
        assertThatThrownBy(() -> DirectGbnf.check("root ::= (", "root")).isInstanceOf(GenerationException.class)
                .hasMessageContaining("expected ')'");
        assertThatThrownBy(() -> DirectGbnf.check("root ::= \"abc", "root")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> DirectGbnf.check("root ::= [a-z", "root")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> DirectGbnf.check("root ::= item+", "root")).hasMessageContaining("'item'");
        assertThatThrownBy(() -> DirectGbnf.check("start ::= \"a\"", "root")).hasMessageContaining("no 'root'");
        assertThatThrownBy(() -> DirectGbnf.check("root = \"a\"", "root")).hasMessageContaining("::=");
        assertThatThrownBy(() -> DirectGbnf.check("root ::= \"\\q\"", "root")).hasMessageContaining("escape");
        assertThatThrownBy(() -> DirectGbnf.check("root ::= \"a\"{2", "root")).hasMessageContaining("'}'");
        assertThatThrownBy(() -> DirectGbnf.check("root ::= \"a\" )", "root")).hasMessageContaining("line 1");
    }
}
