package dev.s2s.gtts.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class BatchExecuteTest {

    @Test
    void requestBodiesMatchGtts() throws IOException {
        for (JsonNode c : TextChunkerTest.golden()) {
            assertThat(BatchExecute.requestBody(c.get("text").asText(), "en", c.get("slow").asBoolean()))
                    .as("body of %s", c.get("text")).isEqualTo(c.get("body").asText());
        }
    }

    @Test
    void quotingIsPythonsQuoteWithSlashSafe() {
        assertThat(BatchExecute.pyQuote("a b/c~d_e.f-g+h&i=j%k\"é"))
                .isEqualTo("a%20b/c~d_e.f-g%2Bh%26i%3Dj%25k%22%C3%A9");
        assertThat(BatchExecute.pyJsonString("é\u0001\"\\/\n\uD83D\uDE00\u007f"))
                .isEqualTo("\"\\u00e9\\u0001\\\"\\\\/\\n\\ud83d\\ude00\\u007f\"");
    }

    @Test
    void parsesAudioFromTheJq1olcLine() throws Exception {
        byte[] mp3 = Mp3Fixtures.silence(3);
        String reply = FakeReplies.audioReply(mp3);
        assertThat(BatchExecute.parseAudio(reply)).isEqualTo(mp3);
    }

    @Test
    void wellFormedReplyWithoutAudioIsEmpty() throws Exception {
        assertThat(BatchExecute.parseAudio(FakeReplies.noAudioReply())).isEmpty();
    }

    @Test
    void malformedRepliesAreRejected() {
        String good = FakeReplies.audioReply(Mp3Fixtures.silence(3));
        assertThatThrownBy(() -> BatchExecute.parseAudio("<html>blocked</html>"))
                .isInstanceOf(BadReplyException.class).hasMessageContaining(")]}'");
        assertThatThrownBy(() -> BatchExecute.parseAudio(good.substring(0, good.length() / 2)))
                .isInstanceOf(BadReplyException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> BatchExecute.parseAudio(")]}'\n\n"))
                .isInstanceOf(BadReplyException.class);
        String badBase64 = ")]}'\n\n50\n[[\"wrb.fr\",\"jQ1olc\",\"[\\\"@@@\\\"]\",null,null,null,\"generic\"]]\n";
        assertThatThrownBy(() -> BatchExecute.parseAudio(badBase64))
                .isInstanceOf(BadReplyException.class).hasMessageContaining("base64");
        assertThat(Base64.getEncoder().encodeToString(new byte[] {1})).isEqualTo("AQ==");
    }
}
