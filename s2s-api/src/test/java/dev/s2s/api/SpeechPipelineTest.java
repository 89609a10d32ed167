package dev.s2s.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.api.testproviders.TestProviders;

class SpeechPipelineTest {

    private static AudioClip speech() {
        float[] s = new float[16000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.3 * Math.sin(i * 0.1));
        }
        return AudioClip.mono(s, 16000);
    }

    private static SpeechPipeline.Builder textPipeline(String lmJson, String synthJson) {
        return SpeechPipeline.builder()
                .recognizer(S2s.recognizer("test-echo", ProviderConfig.empty()))
                .languageModel(S2s.languageModel("test-lm", ProviderConfig.parse(lmJson)))
                .synthesizer(S2s.synthesizer("test-tone", ProviderConfig.parse(synthJson)));
    }

    @Test
    void textMethodRunsEveryStage() {
        try (SpeechPipeline p = textPipeline("{}", "{}").build()) {
            Reply r = p.run(speech());
            assertThat(r.transcript().text()).isEqualTo("hello there");
            assertThat(r.input()).isEqualTo("hello there");
            assertThat(r.answer()).isEqualTo("you said hello there. That is all. Goodbye!");
            assertThat(r.audio().frames()).isEqualTo(8 * 1600);
            assertThat(r.timings()).extracting(StageTiming::stage)
                    .containsExactly(Stage.RECOGNIZE, Stage.GENERATE, Stage.SYNTHESIZE);
            assertThat(r.timing(Stage.SNAP)).isEmpty();
            assertThat(r.noSpeech()).isFalse();
        }
    }

    @Test
    void runTextSkipsRecognitionAndAppliesTheTemplate() {
        try (SpeechPipeline p = textPipeline("{}", "{}").promptTemplate("translate {input}").build()) {
            Reply r = p.runText("one two");
            assertThat(r.transcript()).isNull();
            assertThat(r.answer()).startsWith("you said translate one two.");
            assertThat(r.timings()).extracting(StageTiming::stage).containsExactly(Stage.GENERATE, Stage.SYNTHESIZE);
        }
        assertThatThrownBy(() -> textPipeline("{}", "{}").build().runText(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void silenceIsNoSpeechNotACrash() {
        List<PipelineEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (SpeechPipeline p = textPipeline("{}", "{}").build()) {
            Reply r = p.stream(AudioClip.mono(new float[16000], 16000), events::add);
            assertThat(r.noSpeech()).isTrue();
            assertThat(r.audio().isEmpty()).isTrue();
            assertThat(r.generation()).isNull();
        }
        assertThat(events).hasSize(2).first().isInstanceOf(PipelineEvent.Recognized.class);
        assertThat(events.get(1)).isInstanceOf(PipelineEvent.Done.class);
    }

    @Test
    void emptyAudioFailsInTheRecognizeStage() {
        try (SpeechPipeline p = textPipeline("{}", "{}").build()) {
            assertThatThrownBy(() -> p.run(AudioClip.mono(new float[0], 16000)))
                    .isInstanceOf(PipelineException.class).hasMessageContaining("RECOGNIZE: audio is empty")
                    .hasCauseInstanceOf(AudioFormatException.class)
                    .satisfies(e -> assertThat(((PipelineException) e).stage()).isEqualTo(Stage.RECOGNIZE));
        }
    }

    @Test
    void errorsCarryTheStage() {
        try (SpeechPipeline p = textPipeline("{\"fail\":true}", "{}").build()) {
            assertThatThrownBy(() -> p.run(speech())).isInstanceOf(PipelineException.class)
                    .hasMessageContaining("GENERATE: model exploded")
                    .hasCauseInstanceOf(GenerationException.class);
        }
        try (SpeechPipeline p = SpeechPipeline.builder()
                .languageModel(S2s.languageModel("test-lm", ProviderConfig.empty()))
                .synthesizer(S2s.synthesizer("test-tone", ProviderConfig.empty())).build()) {
            assertThatThrownBy(() -> p.run(speech())).isInstanceOf(PipelineException.class)
                    .hasMessageContaining("no recognizer configured");
        }
    }

    @Test
    void tokenMethodSnapsAndFeedsTokenIds() {
        List<PipelineEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (SpeechPipeline p = SpeechPipeline.builder().method(PipelineMethod.TOKENS)
                .audioEncoder(S2s.audioEncoder("test-frames", ProviderConfig.empty()))
                .projector(S2s.projector("test-identity", ProviderConfig.empty()))
                .snapper(S2s.snapper("test-argmax", TestProviders.identityMatrix(), ProviderConfig.empty()))
                .snapOptions(SnapOptions.builder().collapseRepeats(true).build())
                .languageModel(S2s.languageModel("test-lm", ProviderConfig.empty()))
                .synthesizer(S2s.synthesizer("test-tone", ProviderConfig.empty())).build()) {
            Reply r = p.stream(AudioClip.mono(new float[8000], 16000), events::add);
            // 5 frames: words 2,2,3,3,4 -> collapsed to hello there you; BOS (<s>) is prepended for the model
            assertThat(r.snap().tokens()).containsExactly(2, 3, 4);
            assertThat(r.input()).isEqualTo("hello there you");
            assertThat(r.answer()).startsWith("you said <s> hello there you.");
            assertThat(r.timings()).extracting(StageTiming::stage).containsExactly(Stage.ENCODE, Stage.PROJECT,
                    Stage.SNAP, Stage.GENERATE, Stage.SYNTHESIZE);
        }
        assertThat(events).filteredOn(e -> e instanceof PipelineEvent.Snapped).hasSize(1);
    }

    @Test
    void softTokenMethodFeedsEmbeddings() {
        try (SpeechPipeline p = SpeechPipeline.builder().method(PipelineMethod.TOKENS).soft(true)
                .audioEncoder(S2s.audioEncoder("test-frames", ProviderConfig.empty()))
                .projector(S2s.projector("test-identity", ProviderConfig.empty()))
                .languageModel(S2s.languageModel("test-lm", ProviderConfig.empty()))
                .synthesizer(S2s.synthesizer("test-tone", ProviderConfig.empty())).build()) {
            Reply r = p.run(speech());
            assertThat(r.snap()).isNull();
            assertThat(r.answer()).startsWith("you said mixed 2.");
        }
    }

    @Test
    void streamingSpeaksTheFirstSentenceBeforeGenerationEnds() {
        List<PipelineEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (SpeechPipeline p = textPipeline("{\"tokenDelayMs\":100}", "{}").build()) {
            Reply r = p.stream(speech(), events::add);
            assertThat(r.audio().frames()).isEqualTo(8 * 1600);
        }
        List<Class<?>> kinds = events.stream().<Class<?>>map(Object::getClass).toList();
        int firstToken = kinds.indexOf(PipelineEvent.FirstToken.class);
        int firstAudio = kinds.indexOf(PipelineEvent.AudioChunk.class);
        int lastToken = kinds.lastIndexOf(PipelineEvent.Token.class);
        assertThat(kinds.getFirst()).isEqualTo(PipelineEvent.Recognized.class);
        assertThat(firstToken).isPositive();
        assertThat(firstAudio).isGreaterThan(firstToken).isLessThan(lastToken);
        assertThat(kinds.getLast()).isEqualTo(PipelineEvent.Done.class);
        List<Integer> chunkOrder = events.stream().filter(e -> e instanceof PipelineEvent.AudioChunk)
                .map(e -> ((PipelineEvent.AudioChunk) e).index()).toList();
        assertThat(chunkOrder).isSorted().hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void cancellationStopsBetweenTokens() {
        try (SpeechPipeline p = textPipeline("{\"tokenDelayMs\":20}", "{}").build()) {
            CancellationToken before = new CancellationToken();
            before.cancel();
            assertThatThrownBy(() -> p.run(speech(), before)).isInstanceOf(CancellationException.class);
            CancellationToken during = new CancellationToken();
            assertThatThrownBy(() -> p.stream(speech(), e -> {
                if (e instanceof PipelineEvent.FirstToken) {
                    during.cancel();
                }
            }, during)).isInstanceOf(CancellationException.class);
        }
    }

    @Test
    void stageTimeout() {
        try (SpeechPipeline p = textPipeline("{\"tokenDelayMs\":200}", "{}")
                .timeout(Stage.GENERATE, Duration.ofMillis(50)).build()) {
            assertThatThrownBy(() -> p.run(speech())).isInstanceOf(PipelineException.class)
                    .hasMessageContaining("GENERATE: timed out after 50 ms");
        }
    }

    @Test
    void longAnswersAreChunkedToTheSynthesizersLimit() {
        try (SpeechPipeline p = textPipeline("{}", "{\"maxChunkChars\":30}").build()) {
            Reply r = p.runText("one two three four five six seven eight nine ten one two three");
            assertThat(r.audio().frames()).isEqualTo(r.answer().split(" ").length * 1600);
        }
    }

    @Test
    void onePipelineServesEightThreads() throws Exception {
        TestProviders.SAW_VIRTUAL_THREAD.set(false);
        try (SpeechPipeline p = textPipeline("{}", "{}").build();
                ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String word = TestProviders.WORDS.get(6 + i);
                answers.add(pool.submit(() -> p.streamText(word, PipelineListener.NONE).answer()));
            }
            for (int i = 0; i < 8; i++) {
                assertThat(answers.get(i).get()).startsWith("you said " + TestProviders.WORDS.get(6 + i) + ".");
            }
        }
        assertThat(TestProviders.SAW_VIRTUAL_THREAD).isFalse();
    }

    @Test
    void virtualThreadCallersAreMovedToPlatformThreads() throws Exception {
        TestProviders.SAW_VIRTUAL_THREAD.set(false);
        try (SpeechPipeline p = textPipeline("{}", "{}").build();
                ExecutorService v = Executors.newVirtualThreadPerTaskExecutor()) {
            assertThat(v.submit(() -> p.run(speech()).answer()).get()).startsWith("you said hello");
        }
        assertThat(TestProviders.SAW_VIRTUAL_THREAD).isFalse();
    }

    @Test
    void conversationKeepsHistory() {
        try (SpeechPipeline p = textPipeline("{}", "{}").systemPrompt("be brief").build()) {
            Conversation c = p.conversation();
            assertThat(c.sayText("one").answer()).contains("(2 messages)");
            assertThat(c.say(speech()).answer()).contains("hello there (4 messages)");
            assertThat(c.history()).hasSize(4).first().isEqualTo(ChatMessage.user("one"));
            c.clear();
            assertThat(c.history()).isEmpty();
        }
    }

    @Test
    void loadsFromJsonAndClosesWhatItCreated(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pipeline.json"), """
                { "method": "tokens",
                  "encoder": {"provider": "test-frames"},
                  "projector": {"provider": "test-identity"},
                  "snapper": {"provider": "test-argmax", "metric": "inner_product", "excludeSpecial": true},
                  "llm": {"provider": "test-lm", "maxTokens": 4, "temperature": 0},
                  "synthesizer": {"provider": "test-tone"},
                  "timeouts": {"generate": 10} }""");
        int before = TestProviders.CLOSED.get();
        try (SpeechPipeline p = SpeechPipeline.fromConfig(file)) {
            assertThat(p.settings().method()).isEqualTo(PipelineMethod.TOKENS);
            assertThat(p.settings().snapOptions().metric()).isEqualTo(Metric.INNER_PRODUCT);
            Reply r = p.run(AudioClip.mono(new float[8000], 16000));
            assertThat(r.generation().stopReason()).isEqualTo(StopReason.MAX_TOKENS);
            assertThat(r.answer()).isEqualTo("you said <s> hello");
        }
        assertThat(TestProviders.CLOSED.get() - before).isEqualTo(5);
    }

    @Test
    void badConfigurationsAreClear() {
        assertThatThrownBy(() -> SpeechPipeline.fromConfig(ProviderConfig.parse("{\"synthesizer\":{\"provider\":\"test-tone\"}}")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("section 'llm' needs a \"provider\"");
        int before = TestProviders.CLOSED.get();
        assertThatThrownBy(() -> SpeechPipeline.fromConfig(ProviderConfig.parse(
                "{\"llm\":{\"provider\":\"test-lm\"},\"synthesizer\":{\"provider\":\"nope\"}}")))
                .isInstanceOf(ProviderNotFoundException.class).hasMessageContaining("test-tone");
        assertThat(TestProviders.CLOSED.get() - before).as("the language model created first is closed").isEqualTo(1);
        assertThatThrownBy(() -> SpeechPipeline.fromConfig(ProviderConfig.parse(
                "{\"method\":\"telepathy\",\"llm\":{\"provider\":\"test-lm\"},\"synthesizer\":{\"provider\":\"test-tone\"}}")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'method' must be one of [text, tokens]");
        assertThatThrownBy(() -> SpeechPipeline.builder().method(PipelineMethod.TOKENS)
                .languageModel(S2s.languageModel("test-lm", ProviderConfig.empty()))
                .synthesizer(S2s.synthesizer("test-tone", ProviderConfig.empty())).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("needs an audio encoder");
    }
}
