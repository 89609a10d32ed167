package dev.s2s.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.api.CancellationToken;
import dev.s2s.api.ChatMessage;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.Generation;
import dev.s2s.api.GenerationException;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.ModelFormatException;
import dev.s2s.api.Prompt;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.api.StopReason;
import dev.s2s.api.TokenMatrix;
import dev.s2s.api.UnsupportedPromptException;
import dev.s2s.testkit.TestData;

/** llama-direct on the real stories260K model, 1 thread. */
class DirectModelTest {

    static final String README_30 = "Once upon a time, there was a little girl named Lily. She loved to play outside"
            + " in the park. One day,";

    static Path stories;
    static LlamaDirectModel model;

    @BeforeAll
    static void open() {
        stories = TestData.model("stories260K.gguf");
        model = LlamaDirectModel.open(settings(stories).build());
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    static LlamaSettings.Builder settings(Path p) {
        return LlamaSettings.builder(p).threads(1).batchThreads(1).contextSize(512);
    }

    static GenerationOptions greedy(int n) {
        return GenerationOptions.builder().maxTokens(n).temperature(0).build();
    }

    @Test
    void facts() {
        assertThat(model.embeddingSize()).isEqualTo(64);
        assertThat(model.vocabularySize()).isEqualTo(512);
        assertThat(model.contextSize()).isEqualTo(512);
        assertThat(LlamaDirectModel.libraryPath()).exists();
        // the self-check passed and the library reports the CPU build
        assertThat(dev.s2s.llama.internal.LlamaCppLoader.load().systemInfo()).contains("CPU");
        assertThat(model.supportedPrompts()).doesNotContain(Prompt.Kind.CHAT)
                .contains(Prompt.Kind.TEXT, Prompt.Kind.TOKENS, Prompt.Kind.EMBEDDINGS, Prompt.Kind.MIXED);
    }

    @Test
    void tokenizeAndDetokenize() {
        assertThat(model.tokenize("Once upon a time")).containsExactly(403, 407, 261, 378);
        assertThat(model.detokenize(new int[] {403, 407, 261, 378})).isEqualTo(" Once upon a time");
    }

    @Test
    void greedyReproducesTheReadme() {
        Generation g = model.generate(Prompt.text("Once upon a time"), greedy(30));
        assertThat(g.tokens()).hasSize(30);
        assertThat("Once upon a time" + g.text()).isEqualTo(README_30);
        assertThat(g.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(g.promptTokens()).isEqualTo(5);
        assertThat(model.detokenize(g.tokens())).isEqualTo(g.text());
    }

    @Test
    void streamsEveryPieceInOrder() {
        StringBuilder seen = new StringBuilder();
        List<Integer> ids = new ArrayList<>();
        Generation g = model.generate(Prompt.text("Once upon a time"), greedy(20), (id, piece) -> {
            if (id >= 0) {
                ids.add(id);
            }
            seen.append(piece);
        }, CancellationToken.none());
        assertThat(seen.toString()).isEqualTo(g.text());
        assertThat(ids).containsExactly(java.util.Arrays.stream(g.tokens()).boxed().toArray(Integer[]::new));
        assertThat(g.timeToFirstToken()).isPositive();
        assertThat(g.tokensPerSecond()).isPositive();
    }

    @Test
    void tokenIdsAndTheirEmbeddingsGiveTheSameContinuation() {
        int[] ids = {1, 403, 407, 261, 378}; // BOS + "Once upon a time"
        TokenMatrix m = model.tokenEmbeddings();
        assertThat(m.rows()).isEqualTo(512);
        assertThat(m.dim()).isEqualTo(64);
        float[] rows = new float[ids.length * m.dim()];
        for (int i = 0; i < ids.length; i++) {
            m.rowInto(ids[i], rows, i * m.dim());
        }
        EmbeddingSequence emb = new EmbeddingSequence(rows, ids.length, m.dim(), 0);

        model.clearCache();
        Generation fromIds = model.generate(Prompt.tokens(ids), greedy(40));
        model.clearCache();
        Generation fromEmb = model.generate(Prompt.embeddings(emb), greedy(40));
        model.clearCache();
        Generation mixed = model.generate(Prompt.mixed(Prompt.tokens(1), Prompt.embeddings(emb.slice(1, 3)),
                Prompt.tokens(261, 378)), greedy(40));

        assertThat(fromEmb.tokens()).containsExactly(fromIds.tokens());
        assertThat(mixed.tokens()).containsExactly(fromIds.tokens());
        assertThat("Once upon a time" + fromIds.text()).startsWith(README_30);
    }

    @Test
    void reusesTheKvCacheAcrossTurns() {
        model.clearCache();
        Generation first = model.generate(Prompt.text("Once upon a time"), greedy(10));
        int cached = model.cachedPositions();
        assertThat(cached).isEqualTo(5 + 10 - 1); // prompt + generated, the last token not yet decoded

        // next turn: the previous prompt and answer, then more text
        int[] prompt = model.tokenize("Once upon a time");
        int[] turn2 = concat(new int[] {1}, prompt, first.tokens(), model.tokenize(" The end."));
        Generation reused = model.generate(Prompt.tokens(turn2), greedy(15));
        model.clearCache();
        Generation fresh = model.generate(Prompt.tokens(turn2), greedy(15));
        assertThat(reused.tokens()).containsExactly(fresh.tokens());
        assertThat(reused.promptTokens()).isEqualTo(turn2.length);

        // a different prompt drops the cache after the common prefix and still matches a fresh run
        Generation other = model.generate(Prompt.text("Once upon a dog"), greedy(15));
        model.clearCache();
        assertThat(model.generate(Prompt.text("Once upon a dog"), greedy(15)).tokens())
                .containsExactly(other.tokens());
        // the same prompt twice: everything cached, the last position is decoded again
        Generation again = model.generate(Prompt.text("Once upon a dog"), greedy(15));
        assertThat(again.tokens()).containsExactly(other.tokens());
    }

    @Test
    void cancelsFromTheListener() {
        CancellationToken cancel = new CancellationToken();
        AtomicInteger n = new AtomicInteger();
        Generation g = model.generate(Prompt.text("Once upon a time"), greedy(200), (id, piece) -> {
            if (n.incrementAndGet() == 5) {
                cancel.cancel();
            }
        }, cancel);
        assertThat(g.stopReason()).isEqualTo(StopReason.CANCELLED);
        assertThat(g.tokens()).hasSize(5);
        CancellationToken already = new CancellationToken();
        already.cancel();
        assertThat(model.generate(Prompt.text("Once"), greedy(5), (i, p) -> { }, already).stopReason())
                .isEqualTo(StopReason.CANCELLED);
    }

    @Test
    void stopStringsCutTheTextAndAreNeverStreamed() {
        StringBuilder seen = new StringBuilder();
        Generation g = model.generate(Prompt.text("Once upon a time"),
                greedy(60).toBuilder().stop("Lily").build(), (id, piece) -> seen.append(piece),
                CancellationToken.none());
        assertThat(g.stopReason()).isEqualTo(StopReason.STOP_STRING);
        assertThat(g.text()).isEqualTo(", there was a little girl named ");
        assertThat(seen.toString()).isEqualTo(g.text());
    }

    @Test
    void samplingIsSeededAndGrammarConstrains() {
        GenerationOptions hot = GenerationOptions.builder().maxTokens(20).temperature(0.9f).seed(7)
                .repeatPenalty(1.1f).build();
        Generation a = model.generate(Prompt.text("Once upon a time"), hot);
        Generation b = model.generate(Prompt.text("Once upon a time"), hot);
        assertThat(a.tokens()).containsExactly(b.tokens());
        Generation g = model.generate(Prompt.text("Once upon a time"),
                greedy(8).toBuilder().grammar("root ::= [ ]? (\"a\" | \"the\" | \" \")+").build());
        assertThat(g.text()).matches("[ athe]*");
        assertThatThrownBy(() -> model.generate(Prompt.text("x"), greedy(3).toBuilder().grammar("root ::= (").build()))
                .isInstanceOf(GenerationException.class).hasMessageContaining("grammar");
    }

    @Test
    void chatNeedsATemplate() {
        assertThatThrownBy(() -> model.generate(Prompt.chat(ChatMessage.user("hi")), greedy(5)))
                .isInstanceOf(UnsupportedPromptException.class);
    }

    @Test
    void chatWithAGivenTemplateRendersThroughLlamaCpp() {
        try (LlamaDirectModel chat = LlamaDirectModel.open(settings(stories).chatTemplate("chatml").build())) {
            assertThat(chat.supportedPrompts()).contains(Prompt.Kind.CHAT);
            Generation g = chat.generate(Prompt.chat(ChatMessage.system("Be brief."), ChatMessage.user("Once upon")),
                    greedy(5));
            // <|im_start|> is not in this vocabulary: it is tokenized as text, but rendering worked
            assertThat(g.promptTokens()).isGreaterThan(10);
            assertThat(g.tokens()).hasSize(5);
        }
    }

    @Test
    void badInputFailsBeforeNativeCode(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> model.generate(Prompt.embeddings(new EmbeddingSequence(new float[63 * 2], 2, 63, 0)),
                greedy(3))).isInstanceOf(GenerationException.class).hasMessageContaining("width 63")
                .hasMessageContaining("64");
        assertThatThrownBy(() -> model.generate(Prompt.mixed(Prompt.tokens(1),
                Prompt.embeddings(new EmbeddingSequence(new float[65], 1, 65, 0))), greedy(3)))
                .isInstanceOf(GenerationException.class).hasMessageContaining("width 65");
        assertThatThrownBy(() -> model.generate(Prompt.tokens(), greedy(3)))
                .isInstanceOf(GenerationException.class).hasMessageContaining("empty prompt");
        assertThatThrownBy(() -> model.generate(Prompt.text(""), greedy(3)))
                .isInstanceOf(GenerationException.class).hasMessageContaining("empty prompt");
        assertThatThrownBy(() -> model.generate(Prompt.embeddings(new EmbeddingSequence(new float[0], 0, 64, 0)),
                greedy(3))).isInstanceOf(GenerationException.class).hasMessageContaining("empty prompt");
        assertThatThrownBy(() -> model.generate(Prompt.mixed(), greedy(3)))
                .isInstanceOf(GenerationException.class).hasMessageContaining("empty prompt");
        assertThatThrownBy(() -> model.generate(Prompt.tokens(new int[600]), greedy(3)))
                .isInstanceOf(GenerationException.class).hasMessageContaining("600 positions")
                .hasMessageContaining("512");
        assertThatThrownBy(() -> model.generate(Prompt.tokens(1, 512), greedy(3)))
                .isInstanceOf(GenerationException.class).hasMessageContaining("token id 512");
        float[] nan = new float[64];
        nan[3] = Float.NaN;
        assertThatThrownBy(() -> model.generate(Prompt.embeddings(new EmbeddingSequence(nan, 1, 64, 0)), greedy(3)))
                .isInstanceOf(GenerationException.class).hasMessageContaining("non-finite");

        assertThatThrownBy(() -> LlamaDirectModel.open(settings(dir.resolve("missing.gguf")).build()))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("not found");
        Path text = Files.writeString(dir.resolve("notes.gguf"), "this is not a model file at all, just text");
        assertThatThrownBy(() -> LlamaDirectModel.open(settings(text).build()))
                .isInstanceOf(ModelFormatException.class);
        byte[] bytes = Files.readAllBytes(stories);
        Path truncated = Files.write(dir.resolve("truncated.gguf"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> LlamaDirectModel.open(settings(truncated).build()))
                .isInstanceOf(ModelFormatException.class);
        assertThatThrownBy(() -> LlamaDirectModel.open(settings(stories).lora(text, 1f).build()))
                .isInstanceOf(ModelFormatException.class);
        assertThatThrownBy(() -> LlamaDirectModel.open(settings(stories).lora(stories, 1f).build()))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("not a LoRA adapter");
        // the model still works after all that
        assertThat(model.generate(Prompt.text("Once upon a time"), greedy(3)).tokens()).hasSize(3);
    }

    @Test
    void concurrentCallsAreSerializedAndCorrect() throws Exception {
        model.clearCache();
        int[] expected = model.generate(Prompt.text("Once upon a time"), greedy(25)).tokens();
        int[] other = model.generate(Prompt.text("Once upon a dog"), greedy(25)).tokens();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<int[]>> results = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String prompt = i % 2 == 0 ? "Once upon a time" : "Once upon a dog";
                results.add(pool.submit(() -> model.generate(Prompt.text(prompt), greedy(25)).tokens()));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).containsExactly(i % 2 == 0 ? expected : other);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeFromAnotherThreadStopsAGenerationThenFrees() throws Exception {
        LlamaDirectModel m = LlamaDirectModel.open(settings(stories).build());
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<Generation> g = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> m.generate(Prompt.text("Once upon a time"), GenerationOptions.builder().maxTokens(500)
                        .temperature(0).build(), (id, piece) -> {
                            started.countDown();
                            try {
                                Thread.sleep(2);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }, CancellationToken.none()));
        started.await();
        m.close();
        Generation done = g.get();
        assertThat(done.stopReason()).isIn(StopReason.CANCELLED, StopReason.END_OF_SEQUENCE);
        assertThatThrownBy(() -> m.generate(Prompt.text("Once"), greedy(3))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stopsWhenTheContextIsFull() {
        try (LlamaDirectModel small = LlamaDirectModel.open(settings(stories).contextSize(64).build())) {
            assertThat(small.contextSize()).isEqualTo(64);
            Generation g = small.generate(Prompt.text("Once upon a time"), greedy(500));
            assertThat(g.stopReason()).isEqualTo(StopReason.CONTEXT_FULL);
            assertThat(g.tokens()).hasSize(64 - 5 + 1); // the last sampled token needs no slot
            assertThatThrownBy(() -> small.generate(Prompt.tokens(new int[64]), greedy(1)))
                    .isInstanceOf(GenerationException.class).hasMessageContaining("context");
        }
    }

    @Test
    void closedModelRefusesWork() {
        LlamaDirectModel m = LlamaDirectModel.open(settings(stories).build());
        m.close();
        m.close();
        assertThatThrownBy(() -> m.generate(Prompt.text("Once"), greedy(3))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> m.tokenize("Once")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void providerIsRegistered() {
        try (LanguageModel lm = S2s.languageModel("llama-direct", ProviderConfig.of(Map.of(
                "model", stories.toString(), "threads", 1, "contextSize", 256)))) {
            assertThat(lm).isInstanceOf(LlamaDirectModel.class);
            assertThat("Once upon a time" + lm.generate(Prompt.text("Once upon a time"), greedy(30)).text())
                    .isEqualTo(README_30);
        }
    }

    static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = new int[n];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
