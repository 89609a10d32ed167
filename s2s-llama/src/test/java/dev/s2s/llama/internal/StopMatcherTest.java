package dev.s2s.llama.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class StopMatcherTest {

    @Test
    void holdsBackWhatCouldBecomeAStopString() {
        StopMatcher m = new StopMatcher(List.of("END", "\n\n"));
        assertThat(m.feed("Hello E")).isEqualTo("Hello ");
        assertThat(m.feed("N")).isEmpty();
        assertThat(m.feed("ough")).isEqualTo("ENough");
        assertThat(m.feed(" text\n")).isEqualTo(" text");
        assertThat(m.feed("\nmore")).isEmpty();
        assertThat(m.stopped()).isTrue();
        assertThat(m.text()).isEqualTo("Hello ENough text");
        assertThat(m.feed("ignored")).isEmpty();
    }

    @Test
    void findsAStopStringSpanningPieces() {
        StopMatcher m = new StopMatcher(List.of("Lily"));
        StringBuilder out = new StringBuilder();
        for (String piece : List.of("a girl named L", "i", "ly. She")) {
            out.append(m.feed(piece));
        }
        assertThat(m.stopped()).isTrue();
        assertThat(out.toString()).isEqualTo("a girl named ").isEqualTo(m.text());
    }

    @Test
    void flushReleasesAHeldTailWhenGenerationEnds() {
        StopMatcher m = new StopMatcher(List.of("STOP", ""));
        assertThat(m.feed("ends with ST")).isEqualTo("ends with ");
        assertThat(m.flush()).isEqualTo("ST");
        assertThat(m.stopped()).isFalse();
        assertThat(m.text()).isEqualTo("ends with ST");
    }

    @Test
    void withoutStopStringsEverythingPassesAtOnce() {
        StopMatcher m = new StopMatcher(List.of());
        assertThat(m.feed("abc")).isEqualTo("abc");
        assertThat(m.flush()).isEmpty();
    }
}
