package dev.s2s.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.s2s.api.CancellationToken;
import dev.s2s.api.ChatMessage;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.Generation;
import dev.s2s.api.GenerationException;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.Prompt;
import dev.s2s.api.StopReason;
import dev.s2s.api.UnsupportedPromptException;
import dev.s2s.testkit.TestData;

/** The llama provider on the real stories260K model (1 thread). */
class LlamaLanguageModelTest {

    private static LlamaLanguageModel model;
    private static final GenerationOptions GREEDY_30 = GenerationOptions.builder().maxTokens(30).temperature(0).build();

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        model = Models.open(Models.stories());
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static int[] referenceIds() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(TestData.model("stories260K-q8_0.greedy.json").toFile());
        JsonNode ids = ref.get("generated_ids");
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.get(i).asInt();
        }
        return out;
    }

    @Test
    void greedyThirtyTokensReproduceTheReadme() throws IOException {
        List<String> pieces = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        Generation g = model.generate(Prompt.text(Models.PROMPT), GREEDY_30, (id, piece) -> {
            ids.add(id);
            pieces.add(piece);
        }, CancellationToken.none());
        assertThat(Models.PROMPT + g.text()).isEqualTo(Models.README_TEXT);
        assertThat(g.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(g.tokens()).containsExactly(referenceIds());
        assertThat(String.join("", pieces)).isEqualTo(g.text());
        assertThat(ids).containsExactly(java.util.Arrays.stream(g.tokens()).boxed().toArray(Integer[]::new));
        assertThat(g.promptTokens()).isEqualTo(5); // BOS + 4
        assertThat(g.timeToFirstToken()).isPositive().isLessThanOrEqualTo(g.total());
        assertThat(g.tokensPerSecond()).isPositive();
    }

    @Test
    void quantizedModelGeneratesTheSameText() {
        try (LlamaLanguageModel q8 = Models.open(TestData.model("stories260K-q8_0.gguf"))) {
            Generation g = q8.generate(Prompt.text(Models.PROMPT), GREEDY_30);
            assertThat(Models.PROMPT + g.text()).isEqualTo(Models.README_TEXT);
        }
    }

    @Test
    void tokenPromptsAreFedVerbatim() throws IOException {
        Generation g = model.generate(Prompt.tokens(1, 403, 407, 261, 378), GREEDY_30);
        assertThat(Models.PROMPT + g.text()).isEqualTo(Models.README_TEXT);
        assertThat(g.promptTokens()).isEqualTo(5);
        assertThat(g.tokens()).containsExactly(referenceIds());
        // without BOS the model sees a different context: the ids really are used as given
        Generation noBos = model.generate(Prompt.tokens(403, 407, 261, 378), GREEDY_30);
        assertThat(noBos.promptTokens()).isEqualTo(4);
        Generation mixed = model.generate(Prompt.mixed(Prompt.text("Once upon"), Prompt.tokens(261, 378)), GREEDY_30);
        assertThat(mixed.text()).isEqualTo(g.text());
        assertThat(mixed.promptTokens()).isEqualTo(5);
    }

    @Test
    void tokenizeAndDetokenizeRoundTrip() {
        assertThat(model.tokenize(Models.PROMPT)).containsExactly(403, 407, 261, 378);
        for (String s : List.of(Models.PROMPT, "Lily and Tom went to the park.", "Hello, world!\nA new line.",
                "The cat sat on the mat. It was happy!")) {
            assertThat(model.detokenize(model.tokenize(s))).isEqualTo(s);
        }
        assertThat(model.detokenize(new int[0])).isEmpty();
        assertThatThrownBy(() -> model.detokenize(new int[] {512})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the vocabulary");
    }

    @Test
    void tokenEmbeddingsComeFromTheGgufReader() {
        var m = model.tokenEmbeddings();
        assertThat(m.rows()).isEqualTo(512);
        assertThat(m.dim()).isEqualTo(64);
        assertThat(m.vocabulary()).isEqualTo(model.vocabulary());
        assertThat(m.vocabulary().token(403)).isEqualTo("▁Once");
        assertThat(model.tokenEmbeddings()).isSameAs(m);
    }

    @Test
    void cancellationFromAnotherThreadStopsGeneration() throws Exception {
        CancellationToken cancel = new CancellationToken();
        CountDownLatch fiveTokens = new CountDownLatch(5);
        CountDownLatch done = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> canceller = pool.submit(() -> {
                fiveTokens.await();
                cancel.cancel();
                return null;
            });
            List<String> seen = new ArrayList<>();
            Generation g = model.generate(Prompt.text(Models.PROMPT),
                    GenerationOptions.builder().maxTokens(200).temperature(0).build(), (id, piece) -> {
                        seen.add(piece);
                        fiveTokens.countDown();
                        if (seen.size() == 5) {
                            // give the other thread time to cancel before the next token
                            try {
                                canceller.get(5, TimeUnit.SECONDS);
                            } catch (Exception e) {
                                throw new AssertionError(e);
                            }
                        }
                    }, cancel);
            done.countDown();
            assertThat(g.stopReason()).isEqualTo(StopReason.CANCELLED);
            assertThat(g.tokens().length).isEqualTo(5);
            assertThat(String.join("", seen)).isEqualTo(g.text());
        } finally {
            pool.shutdownNow();
        }
        // the model is still usable afterwards
        assertThat(Models.PROMPT + model.generate(Prompt.text(Models.PROMPT), GREEDY_30).text())
                .isEqualTo(Models.README_TEXT);
    }

    @Test
    void stopStringsEndGenerationAndAreNeverStreamed() {
        StringBuilder streamed = new StringBuilder();
        Generation g = model.generate(Prompt.text(Models.PROMPT),
                GenerationOptions.builder().maxTokens(30).temperature(0).stop("Lily").build(),
                (id, piece) -> streamed.append(piece), CancellationToken.none());
        assertThat(g.stopReason()).isEqualTo(StopReason.STOP_STRING);
        assertThat(g.text()).isEqualTo(", there was a little girl named ");
        assertThat(streamed.toString()).isEqualTo(g.text());
    }

    @Test
    void concurrentGenerationsAreSerializedAndCorrect() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Generation>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                runs.add(pool.submit(() -> model.generate(Prompt.text(Models.PROMPT), GREEDY_30)));
                runs.add(pool.submit(() -> model.generate(Prompt.tokens(1, 403, 407), GREEDY_30)));
            }
            String other = null;
            for (int i = 0; i < runs.size(); i++) {
                Generation g = runs.get(i).get(60, TimeUnit.SECONDS);
                if (i % 2 == 0) {
                    assertThat(Models.PROMPT + g.text()).isEqualTo(Models.README_TEXT);
                } else if (other == null) {
                    other = g.text();
                } else {
                    assertThat(g.text()).isEqualTo(other);
                }
                assertThat(model.tokenize(Models.PROMPT)).containsExactly(403, 407, 261, 378);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void samplingFollowsTheSeedAndOptions() {
        GenerationOptions.Builder b = GenerationOptions.builder().maxTokens(40).temperature(1.5f).topK(0).topP(1f)
                .minP(0f);
        List<String> texts = new ArrayList<>();
        for (long seed = 1; seed <= 4; seed++) {
            Generation a = model.generate(Prompt.text(Models.PROMPT), b.seed(seed).build());
            Generation again = model.generate(Prompt.text(Models.PROMPT), b.seed(seed).build());
            assertThat(again.text()).isEqualTo(a.text());
            texts.add(a.text());
        }
        assertThat(texts).doesNotHaveDuplicates();
        // top-k 1 is greedy whatever the temperature
        Generation topK1 = model.generate(Prompt.text(Models.PROMPT),
                GenerationOptions.builder().maxTokens(30).temperature(1.5f).topK(1).seed(9).build());
        assertThat(Models.PROMPT + topK1.text()).isEqualTo(Models.README_TEXT);
        // a strong repeat penalty changes greedy output
        Generation penalized = model.generate(Prompt.text(Models.PROMPT),
                GenerationOptions.builder().maxTokens(30).temperature(0).repeatPenalty(5f).build());
        assertThat(Models.PROMPT + penalized.text()).isNotEqualTo(Models.README_TEXT);
    }

    @Test
    void grammarConstrainsTheOutput() {
        Generation g = model.generate(Prompt.text("Once upon a time, the answer was"),
                GenerationOptions.builder().maxTokens(10).temperature(0).grammar("root ::= \" yes\" | \" no\"").build());
        assertThat(g.text()).isIn(" yes", " no");
        assertThat(g.stopReason()).isEqualTo(StopReason.END_OF_SEQUENCE);
        Generation j = model.generate(Prompt.text("Once upon a time"), GenerationOptions.builder().maxTokens(40)
                .temperature(0).jsonSchema("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"boolean\"}},"
                        + "\"required\":[\"a\"]}").build());
        assertThat(j.text().replace(" ", "")).matches("\\{\"a\":(true|false)}");
        assertThatThrownBy(() -> model.generate(Prompt.text("x"),
                GenerationOptions.builder().jsonSchema("{not json").build())).isInstanceOf(GenerationException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void refusesPromptsItCannotRun() {
        assertThat(model.supportedPrompts()).doesNotContain(Prompt.Kind.CHAT, Prompt.Kind.EMBEDDINGS);
        assertThatThrownBy(() -> model.generate(Prompt.chat(ChatMessage.user("hi")), GREEDY_30))
                .isInstanceOf(UnsupportedPromptException.class).hasMessageContaining("has no chat template");
        EmbeddingSequence e = new EmbeddingSequence(new float[64], 1, 64, 0);
        assertThatThrownBy(() -> model.generate(Prompt.embeddings(e), GREEDY_30))
                .isInstanceOf(UnsupportedPromptException.class).hasMessageContaining("input embeddings");
        assertThatThrownBy(() -> model.generate(Prompt.mixed(Prompt.text("a"), Prompt.embeddings(e)), GREEDY_30))
                .isInstanceOf(UnsupportedPromptException.class);
        assertThatThrownBy(() -> model.generate(Prompt.tokens(1, 9999), GREEDY_30))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token id 9999");
        assertThatThrownBy(() -> model.generate(Prompt.tokens(), GREEDY_30)).isInstanceOf(GenerationException.class)
                .hasMessageContaining("empty");
        int[] tooLong = new int[300];
        java.util.Arrays.fill(tooLong, 100);
        assertThatThrownBy(() -> model.generate(Prompt.tokens(tooLong), GREEDY_30))
                .isInstanceOf(GenerationException.class).hasMessageContaining("does not fit the context of 256");
    }

    @Test
    void aFullContextIsReported() {
        int[] ids = new int[240];
        java.util.Arrays.fill(ids, 100);
        ids[0] = 1;
        // grammar forces exactly "a" forever, so only the context can end it
        Generation g = model.generate(Prompt.tokens(ids), GenerationOptions.builder().maxTokens(100)
                .grammar("root ::= \"a\"+").build());
        assertThat(g.stopReason()).isEqualTo(StopReason.CONTEXT_FULL);
        assertThat(g.tokens().length).isBetween(1, 16);
        assertThat(g.text()).matches("a+");
    }

    @Test
    void chatPromptsUseTheModelsTemplate() throws IOException {
        String template = "{%- for message in messages -%}{{- '<|' + message['role'] + '|>' + message['content'] + '\\n' -}}"
                + "{%- endfor -%}{%- if add_generation_prompt -%}{{- '<|assistant|>' -}}{%- endif -%}";
        Path withTemplate = Models.withString(Models.stories(), dir.resolve("chat.gguf"), "tokenizer.chat_template",
                template);
        try (LlamaLanguageModel chat = LlamaLanguageModel.open(LlamaSettings.builder(withTemplate).threads(1)
                .contextSize(256).systemPrompt("Be kind.").build())) {
            assertThat(chat.supportedPrompts()).contains(Prompt.Kind.CHAT);
            assertThat(chat.renderChat(List.of(ChatMessage.user("Tell a story."))))
                    .isEqualTo("<|system|>Be kind.\n<|user|>Tell a story.\n<|assistant|>");
            assertThat(chat.renderChat(List.of(ChatMessage.system("S"), ChatMessage.user("U"))))
                    .isEqualTo("<|system|>S\n<|user|>U\n<|assistant|>");
            Generation g = chat.generate(Prompt.chat(ChatMessage.user("Once upon a time")),
                    GenerationOptions.builder().maxTokens(8).temperature(0).build());
            assertThat(g.tokens()).isNotEmpty();
            assertThat(g.promptTokens()).isGreaterThan(8);
        }
    }

    @Test
    void closedModelsRefuseWork() {
        LlamaLanguageModel m = Models.open(Models.stories());
        m.close();
        m.close();
        assertThatThrownBy(() -> m.tokenize("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> m.generate(Prompt.text("x"), GREEDY_30)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void truncatedCopyIsRejectedBeforeNativeCode() throws IOException {
        byte[] b = Files.readAllBytes(Models.stories());
        Path cut = Files.write(dir.resolve("cut.gguf"), java.util.Arrays.copyOf(b, b.length / 2));
        assertThatThrownBy(() -> Models.open(cut)).isInstanceOf(dev.s2s.api.ModelFormatException.class)
                .hasMessageContaining("beyond the end of the file");
    }
}
