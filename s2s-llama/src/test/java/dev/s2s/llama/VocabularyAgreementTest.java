package dev.s2s.llama;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;

import dev.s2s.api.TokenMatrix;
import dev.s2s.api.Vocabulary;
import dev.s2s.formats.GgufFile;
import dev.s2s.llama.internal.NativeSetup;
import dev.s2s.testkit.TestData;

/** The pure-Java reader agrees with llama.cpp (through java-llama.cpp directly) on the same file. */
class VocabularyAgreementTest {

    /** What llama.cpp renders for a SentencePiece token string, as the reader spells it. */
    private static String expected(Vocabulary v, int id) {
        String tok = v.token(id);
        int type = v.type(id);
        if (type == Vocabulary.BYTE) {
            int b = Integer.parseInt(tok.substring(3, 5), 16);
            return b < 0x80 ? String.valueOf((char) b) : "\uFFFD"; // a lone byte >= 0x80 is not valid UTF-8
        }
        return tok.replace('\u2581', ' ');
    }

    private static void assertAgreement(Path file, int rows, int dim) {
        NativeSetup.ensureLoaded();
        try (GgufFile f = GgufFile.open(file);
                LlamaModel llama = new LlamaModel(new ModelParameters().setModel(file.toString()).setCtxSize(64)
                        .setThreads(1).enableEmbedding().disableLog())) {
            TokenMatrix m = f.tokenEmbeddings();
            Vocabulary v = m.vocabulary();
            assertThat(m.rows()).isEqualTo(rows).isEqualTo(v.size());
            assertThat(m.dim()).isEqualTo(dim);
            assertThat(llama.embed("Once upon a time")).hasSize(dim);
            int checked = 0;
            for (int id = 0; id < v.size(); id++) {
                assertThat(llama.decode(new int[] {id})).as("token %d %s", id, v.token(id)).isEqualTo(expected(v, id));
                checked++;
            }
            assertThat(checked).isEqualTo(rows);
        }
    }

    @Test
    void stories260KEveryIdMatches() {
        assertAgreement(TestData.model("stories260K.gguf"), 512, 64);
    }

    @Test
    void llama2TinyRandomEveryIdMatches() {
        assertAgreement(TestData.model("llama-2-tiny-random.gguf"), 32000, 8);
    }

    @Test
    void llama2TinyRandomLoadsThroughTheProvider() {
        try (var model = dev.s2s.api.S2s.languageModel("llama", Models.config(TestData.model("llama-2-tiny-random.gguf")))) {
            TokenMatrix m = model.tokenEmbeddings();
            assertThat(m.rows()).isEqualTo(32000);
            assertThat(m.dim()).isEqualTo(8);
            assertThat(m.storage()).isEqualTo(TokenMatrix.Storage.F16);
            assertThat(model.tokenize(Models.PROMPT)).containsExactly(9038, 2501, 263, 931);
            var g = model.generate(dev.s2s.api.Prompt.text(Models.PROMPT),
                    dev.s2s.api.GenerationOptions.builder().maxTokens(10).build());
            assertThat(g.tokens()).hasSizeBetween(1, 10);
            assertThat(model.detokenize(g.tokens())).isNotEmpty();
        }
    }
}
