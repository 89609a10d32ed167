package dev.s2s.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.api.AudioClip;
import dev.s2s.api.AudioEncoder;
import dev.s2s.api.AudioEncoderProvider;
import dev.s2s.api.CancellationToken;
import dev.s2s.api.EmbeddingProjectorProvider;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.LanguageModelProvider;
import dev.s2s.api.PipelineEvent;
import dev.s2s.api.PipelineMethod;
import dev.s2s.api.Provider;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.Reply;
import dev.s2s.api.S2s;
import dev.s2s.api.SnapOptions;
import dev.s2s.api.SpeechPipeline;
import dev.s2s.api.SpeechRecognizerProvider;
import dev.s2s.api.SpeechSynthesizerProvider;
import dev.s2s.api.Stage;
import dev.s2s.api.TokenSnapperProvider;
import dev.s2s.api.Wav;
import dev.s2s.testkit.TestData;

/**
 * End-to-end runs on the real models in ../shared, through the command line and the pipeline API.
 * They need the whisper, llama and MaryTTS providers; the token path also needs the projector
 * module's "mlp" and "vector" providers (tag "e2e-projector"). A missing
 * provider fails when S2S_REQUIRE_TEST_DATA=1 rather than skipping.
 */
class EndToEndTest {

    @TempDir
    Path tmp;

    private static void requireProvider(Class<? extends Provider> type, String name) {
        if (S2s.names(type).contains(name)) {
            return;
        }
        String msg = "provider '" + name + "' is not installed; installed: " + S2s.names(type);
        if (TestData.required()) {
            throw new AssertionError(msg + " (S2S_REQUIRE_TEST_DATA=1)");
        }
        Assumptions.abort(msg);
    }

    private Path json(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static String q(Path p) {
        return '"' + p.toAbsolutePath().toString().replace("\\", "\\\\") + '"';
    }

    @Test
    void textThroughTheLanguageModelToSpeech() throws Exception {
        requireProvider(LanguageModelProvider.class, "llama");
        requireProvider(SpeechSynthesizerProvider.class, "marytts");
        Path stories = TestData.model("stories260K.gguf");
        Path cfg = json("text.json", "{\"method\": \"text\", \"llm\": {\"provider\": \"llama\", \"model\": " + q(stories)
                + ", \"maxTokens\": 30, \"temperature\": 0}, \"synthesizer\": {\"provider\": \"marytts\"}}");
        Path out = tmp.resolve("story.wav");
        MainTest.Result r = MainTest.s2s("run", "--text", "Once upon a time", "--config", cfg.toString(), "--out",
                out.toString(), "--offline", "--home", tmp.toString());
        assertThat(r.code()).as(r.err()).isZero();
        // stories260K's real greedy continuation.
        assertThat(r.out()).contains("answer:").contains("there was a little girl named Lily");
        assertThat(r.out()).contains("generate", "synthesize", "total");
        AudioClip clip = Wav.read(out);
        assertThat(clip.seconds()).isBetween(2.0, 30.0);
        assertThat(clip.rms()).isBetween(0.01, 0.5);
    }

    @Test
    void theWeightlessWhisperModelHearsNothingAndSaysSo() throws Exception {
        requireProvider(SpeechRecognizerProvider.class, "whisper");
        requireProvider(LanguageModelProvider.class, "llama");
        requireProvider(SpeechSynthesizerProvider.class, "marytts");
        Path cfg = json("empty.json", "{\"method\": \"text\", \"recognizer\": {\"provider\": \"whisper\", \"model\": "
                + q(TestData.model("for-tests-ggml-tiny.en.bin")) + ", \"threads\": 1}, \"llm\": {\"provider\": "
                + "\"llama\", \"model\": " + q(TestData.model("stories260K.gguf")) + "}, \"synthesizer\": "
                + "{\"provider\": \"marytts\"}}");
        Path out = tmp.resolve("none.wav");
        MainTest.Result r = MainTest.s2s("run", "--in", TestData.model("jfk.wav").toString(), "--config",
                cfg.toString(), "--out", out.toString(), "--offline", "--home", tmp.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.NO_SPEECH);
        assertThat(r.err()).contains("no speech heard").doesNotContain("Exception");
        assertThat(out).doesNotExist();
    }

    @Test
    void streamingSpeaksTheFirstSentenceBeforeGenerationEnds() {
        requireProvider(LanguageModelProvider.class, "llama");
        requireProvider(SpeechSynthesizerProvider.class, "marytts");
        LanguageModel llm = S2s.languageModel("llama", ProviderConfig.of(Map.of("model",
                TestData.model("stories260K.gguf").toString())));
        var mary = S2s.synthesizer("marytts", ProviderConfig.empty());
        mary.synthesize("Warm up."); // MaryTTS's first call loads its voice
        // A long story (1500 tokens: many seconds even for a fast model), cancelled once the second
        // sentence has been spoken: whether the first audio came before generation ended is then a
        // matter of event order with seconds of margin, not a race.
        List<PipelineEvent> events = new CopyOnWriteArrayList<>();
        CancellationToken cancel = new CancellationToken();
        try (SpeechPipeline p = SpeechPipeline.builder().method(PipelineMethod.TEXT).languageModel(llm)
                .generationOptions(dev.s2s.api.GenerationOptions.builder().maxTokens(1500).build())
                .synthesizer(mary).closeComponents(true).build()) {
            try {
                p.streamText("Once upon a time", e -> {
                    events.add(e);
                    if (e instanceof PipelineEvent.AudioChunk c && c.index() == 1) {
                        cancel.cancel();
                    }
                }, cancel);
            } catch (CancellationException | dev.s2s.api.PipelineException e) {
                // expected: cancelled after the second sentence
            }
        }
        int firstToken = indexOf(events, PipelineEvent.FirstToken.class, true);
        int firstAudio = indexOf(events, PipelineEvent.AudioChunk.class, true);
        int lastToken = indexOf(events, PipelineEvent.Token.class, false);
        assertThat(firstToken).isGreaterThanOrEqualTo(0);
        assertThat(firstAudio).as("first audio chunk before the last token: %s", events).isBetween(firstToken, lastToken);
        assertThat(((PipelineEvent.AudioChunk) events.get(firstAudio)).audio().seconds()).isGreaterThan(0.3);
    }

    private static int indexOf(List<PipelineEvent> events, Class<?> type, boolean first) {
        int found = -1;
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                if (first) {
                    return i;
                }
                found = i;
            }
        }
        return found;
    }

    @Test
    @Tag("e2e-projector")
    void theFullTokenPathGivesAudioAndEveryStageTiming() throws Exception {
        requireProvider(AudioEncoderProvider.class, "whisper-encoder");
        requireProvider(EmbeddingProjectorProvider.class, "mlp");
        requireProvider(TokenSnapperProvider.class, "vector");
        requireProvider(LanguageModelProvider.class, "llama");
        requireProvider(SpeechSynthesizerProvider.class, "marytts");
        Path encoderModel = TestData.fixture("whisper/whisper-micro-random-f16.bin");
        AudioEncoder encoder = S2s.audioEncoder("whisper-encoder",
                ProviderConfig.of(Map.of("model", encoderModel.toString())));
        LanguageModel llm = S2s.languageModel("llama", ProviderConfig.of(Map.of("model",
                TestData.model("stories260K.gguf").toString())));
        int in = encoder.dim() * 4;
        int out = llm.tokenEmbeddings().dim();
        Path weights = tmp.resolve("projector.safetensors");
        Random rnd = new Random(42);
        Map<String, float[][]> tensors = new LinkedHashMap<>();
        tensors.put("l1.w", gaussian(rnd, 64, in, Math.sqrt(1.0 / in)));
        tensors.put("l1.b", new float[][] {new float[64]});
        tensors.put("l2.w", gaussian(rnd, out, 64, Math.sqrt(1.0 / 64)));
        tensors.put("l2.b", new float[][] {new float[out]});
        writeSafetensors(weights, tensors);
        Path projCfg = json("projector.json", "{\"weights\": \"projector.safetensors\", \"stack\": 4, \"tail\": \"pad\", "
                + "\"linear1\": {\"weight\": \"l1.w\", \"bias\": \"l1.b\"}, \"activation\": \"gelu\", "
                + "\"linear2\": {\"weight\": \"l2.w\", \"bias\": \"l2.b\"}}");
        var projector = S2s.projector("mlp", ProviderConfig.of(Map.of("config", projCfg.toString())));
        var snapper = S2s.snapper("vector", llm.tokenEmbeddings(), ProviderConfig.empty());
        try (SpeechPipeline p = SpeechPipeline.builder().method(PipelineMethod.TOKENS).audioEncoder(encoder)
                .projector(projector).snapper(snapper).snapOptions(SnapOptions.builder().collapseRepeats(true)
                        .exclude(llm.tokenEmbeddings().vocabulary().idsOfType(dev.s2s.api.Vocabulary.CONTROL,
                                dev.s2s.api.Vocabulary.BYTE))
                        .build())
                .languageModel(llm).generationOptions(dev.s2s.api.GenerationOptions.builder().maxTokens(20).build())
                .synthesizer(S2s.synthesizer("marytts", ProviderConfig.empty())).closeComponents(true).build()) {
            Reply r = p.run(Wav.read(TestData.model("jfk.wav")));
            assertThat(r.snap()).isNotNull();
            assertThat(r.snap().tokens()).isNotEmpty();
            for (Stage s : List.of(Stage.ENCODE, Stage.PROJECT, Stage.SNAP, Stage.GENERATE, Stage.SYNTHESIZE)) {
                assertThat(r.timing(s)).as("timing of %s", s).isPresent();
            }
            Path wav = tmp.resolve("token-path.wav");
            Wav.write(r.audio(), wav);
            assertThat(Wav.read(wav).seconds()).isGreaterThan(0.2);
        }
    }

    private static float[][] gaussian(Random rnd, int rows, int cols, double std) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) (rnd.nextGaussian() * std);
            }
        }
        return m;
    }

    /** A minimal safetensors writer for the test's own projector: F32 tensors, 1-D when one row. */
    static void writeSafetensors(Path file, Map<String, float[][]> tensors) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        List<float[][]> order = new ArrayList<>();
        for (Map.Entry<String, float[][]> e : tensors.entrySet()) {
            float[][] m = e.getValue();
            long bytes = 4L * m.length * m[0].length;
            String shape = m.length == 1 ? "[" + m[0].length + "]" : "[" + m.length + "," + m[0].length + "]";
            header.append(header.length() > 1 ? "," : "").append('"').append(e.getKey()).append("\":{\"dtype\":\"F32\","
                    + "\"shape\":").append(shape).append(",\"data_offsets\":[").append(offset).append(',')
                    .append(offset + bytes).append("]}");
            offset += bytes;
            order.add(m);
        }
        header.append('}');
        while (header.length() % 8 != 0) {
            header.append(' ');
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            for (float[][] m : order) {
                ByteBuffer b = ByteBuffer.allocate(4 * m.length * m[0].length).order(ByteOrder.LITTLE_ENDIAN);
                for (float[] row : m) {
                    for (float v : row) {
                        b.putFloat(v);
                    }
                }
                out.write(b.array());
            }
        }
    }
}
