package dev.s2s.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.Prompt;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.testkit.TestData;

/**
 * {@code s2s train-projector}, {@code eval-projector} and {@code dataset export-sft} as a user
 * meets them: help, usage and configuration errors, and one tiny real run (12 sentences, MaryTTS,
 * "whisper-mel", stories260K, 2 epochs). Asserts files and formats, never TER quality or time.
 */
class TrainCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static MainTest.Result s2s(String... args) {
        return MainTest.s2s(args);
    }

    @Test
    void helpOfEachCommand() {
        assertThat(s2s("--help").out()).contains("train-projector", "eval-projector", "dataset");
        MainTest.Result t = s2s("train-projector", "--help");
        assertThat(t.code()).isZero();
        assertThat(t.out()).contains("--data", "--sentences", "--sample", "--voice", "--encoder", "--encoder-model",
                "--recipe", "--minutes", "--epochs", "--seed", "--threads", "--out", "--llm-model", "--heldout",
                "--train-voice", "--frequency-warp");
        MainTest.Result e = s2s("eval-projector", "--help");
        assertThat(e.code()).isZero();
        assertThat(e.out()).contains("--projector", "--data", "TER", "exact-match", "--examples");
        MainTest.Result d = s2s("dataset", "export-sft", "--help");
        assertThat(d.code()).isZero();
        assertThat(d.out()).contains("--format", "alpaca", "chat", "--instruction", "Unsloth", "--output",
                "--reply-prompt", "--replies");
        assertThat(s2s("dataset").out()).contains("export-sft");
    }

    @Test
    void badArgumentsExitWithUsageOrConfigurationCodes() {
        MainTest.Result noOut = s2s("train-projector", "--data", tmp.toString());
        assertThat(noOut.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noOut.err()).contains("--out");
        assertThat(s2s("train-projector", "--data", tmp.toString(), "--out", tmp.toString(), "--epochs", "many")
                .code()).isEqualTo(ExitCodes.USAGE);
        MainTest.Result recipe = s2s("train-projector", "--data", tmp.toString(), "--out", tmp.toString(),
                "--recipe", "B7", "--offline", "--home", tmp.toString());
        assertThat(recipe.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(recipe.err()).contains("B7", "A1, A2 or A3");
        MainTest.Result warp = s2s("train-projector", "--data", tmp.toString(), "--out", tmp.toString(),
                "--frequency-warp", "0.7", "--offline", "--home", tmp.toString());
        assertThat(warp.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(warp.err()).contains("--frequency-warp", "maxWarp");
        MainTest.Result reuse = s2s("train-projector", "--data", tmp.resolve("none").toString(), "--reuse",
                "--out", tmp.toString(), "--llm-model", TestData.model("stories260K.gguf").toString(),
                "--offline", "--home", tmp.toString());
        assertThat(reuse.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(reuse.err()).contains("no dataset");
        MainTest.Result format = s2s("dataset", "export-sft", "--data", tmp.toString(), "--projector",
                tmp.resolve("p.json").toString(), "--out", tmp.resolve("x.jsonl").toString(), "--format", "xml");
        assertThat(format.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(format.err()).contains("alpaca or chat");
        MainTest.Result output = s2s("dataset", "export-sft", "--data", tmp.toString(), "--projector",
                tmp.resolve("p.json").toString(), "--out", tmp.resolve("x.jsonl").toString(), "--output", "summary");
        assertThat(output.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(output.err()).contains("reference or reply");
        MainTest.Result template = s2s("dataset", "export-sft", "--data", tmp.toString(), "--projector",
                tmp.resolve("p.json").toString(), "--out", tmp.resolve("x.jsonl").toString(), "--output", "reply",
                "--reply-prompt", "Answer:");
        assertThat(template.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(template.err()).contains("{text}");
        assertThat(s2s("eval-projector", "--data", tmp.toString()).code()).isEqualTo(ExitCodes.USAGE);
    }

    private Path sentencesFile() throws java.io.IOException {
        Path sentences = tmp.resolve("sentences.txt");
        Files.writeString(sentences, String.join("\n", List.of("Once upon a time there was a cat.",
                "The dog ran to the park.", "Lily saw a big red ball.", "Tom was very happy.",
                "She liked to play outside.", "The sun was warm and bright.", "He found a little bird.",
                "They went home for lunch.", "Mom made a yummy cake.", "The girl smiled at her friend.",
                "A fish swam in the pond.", "The boy had a blue hat.")), StandardCharsets.UTF_8);
        return sentences;
    }

    @Test
    void voiceVarietyThroughAPluginScoresAnUnseenVoice() throws Exception {
        Path plugin = MainTest.espeakPlugin();
        Path sentences = sentencesFile();
        Path data = tmp.resolve("data");
        Path out = tmp.resolve("out");
        MainTest.Result t = MainTest.withPlugin(() -> s2s("train-projector", "--plugin", plugin.toString(),
            "--data", data.toString(), "--sentences",
            sentences.toString(), "--voice", "marytts:cmu-slt-hsmm,espeak:en-us", "--train-voice",
            "marytts:cmu-slt-hsmm", "--encoder", "whisper-mel", "--encoder-model",
            TestData.model("for-tests-ggml-tiny.bin").toString(), "--recipe", "A1", "--epochs", "2", "--heldout", "2",
            "--examples", "0", "--out", out.toString(), "--name", "v", "--llm-model",
            TestData.model("stories260K.gguf").toString(), "--offline", "--home", tmp.resolve("home").toString()));
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.err()).contains("training on 10 utterances (marytts:cmu-slt-hsmm), 4 held out");
        assertThat(manifestLines(data)).hasSize(24);
        JsonNode report = JSON.readTree(out.resolve("v-report.json").toFile());
        assertThat(report.path("trainUtterances").asInt()).isEqualTo(10);
        JsonNode perVoice = report.path("heldOut").path("perVoiceTer");
        assertThat(perVoice.has("marytts:cmu-slt-hsmm")).isTrue();
        assertThat(perVoice.path("espeak:en-us").isNumber()).as("the unseen voice is scored").isTrue();
        assertThat(t.out()).contains("espeak:en-us");
    }

    @Test
    void tinyTrainEvaluateAndExportRun() throws Exception {
        Path sentences = sentencesFile();
        String llm = TestData.model("stories260K.gguf").toString();
        Path data = tmp.resolve("data");
        Path out = tmp.resolve("out");
        String[] common = {"--llm-model", llm, "--offline", "--home", tmp.resolve("home").toString()};

        MainTest.Result t = s2s(concat(new String[] {"train-projector", "--data", data.toString(), "--sentences",
            sentences.toString(), "--voice", "marytts:cmu-slt-hsmm", "--encoder", "whisper-mel", "--encoder-model",
            TestData.model("for-tests-ggml-tiny.bin").toString(), "--recipe", "A1", "--epochs", "2", "--seed", "3",
            "--heldout", "2", "--examples", "1", "--train-voice", "marytts:cmu-slt-hsmm", "--out", out.toString(),
            "--name", "tiny"}, common));
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("epoch   1", "epoch   2", "held-out TER", "ref: ", "llm: ");
        assertThat(manifestLines(data)).hasSize(12);
        for (String f : new String[] {"tiny.json", "tiny.safetensors", "tiny-report.json", "tiny-curve.png"}) {
            assertThat(out.resolve(f)).isNotEmptyFile();
        }
        JsonNode report = JSON.readTree(out.resolve("tiny-report.json").toFile());
        assertThat(report.path("trainUtterances").asInt()).isEqualTo(10);
        assertThat(report.path("settings").path("seed").asLong()).isEqualTo(3);
        assertThat(report.path("settings").path("epochs").asInt()).isEqualTo(2);
        assertThat(report.path("settings").path("frequencyWarp").asDouble()).isEqualTo(0.0);
        assertThat(report.path("settings").path("specAugment").path("timeMasks").isInt()).isTrue();
        assertThat(report.path("heldOut").path("utterances").asInt()).isEqualTo(2);
        assertThat(report.path("heldOut").path("ter").isNumber()).isTrue();
        byte[] png = Files.readAllBytes(out.resolve("tiny-curve.png"));
        assertThat(png[1]).isEqualTo((byte) 'P');

        MainTest.Result unseen = s2s(concat(new String[] {"train-projector", "--data", data.toString(), "--reuse",
            "--train-voice", "espeak:en-us", "--epochs", "1", "--out", out.toString()}, common));
        assertThat(unseen.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(unseen.err()).contains("'espeak:en-us' is not in the dataset", "marytts:cmu-slt-hsmm");

        Path evalJson = tmp.resolve("eval.json");
        MainTest.Result e = s2s(concat(new String[] {"eval-projector", "--data", data.toString(), "--projector",
            out.resolve("tiny.json").toString(), "--heldout", "2", "--examples", "1", "--json",
            evalJson.toString()}, common));
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("2 utterances", "TER ", "exact match", "per voice: marytts:cmu-slt-hsmm", "llm: ");
        JsonNode ev = JSON.readTree(evalJson.toFile());
        assertThat(ev.path("ter").asDouble()).isEqualTo(report.path("heldOut").path("ter").asDouble(), within());
        assertThat(ev.path("perVoiceTer").has("marytts:cmu-slt-hsmm")).isTrue();

        Path sft = tmp.resolve("sft.jsonl");
        MainTest.Result x = s2s(concat(new String[] {"dataset", "export-sft", "--data", data.toString(),
            "--projector", out.resolve("tiny.json").toString(), "--format", "chat", "--out", sft.toString()}, common));
        assertThat(x.code()).as(x.err()).isZero();
        List<String> lines = Files.readAllLines(sft);
        assertThat(lines).hasSize(12);
        for (String line : lines) {
            JsonNode m = JSON.readTree(line).path("messages");
            assertThat(m.size()).isEqualTo(3);
            assertThat(m.get(2).path("role").asText()).isEqualTo("assistant");
        }

        // the desired output: stories260K's own greedy reply to each held-out reference
        Path replies = tmp.resolve("replies.jsonl");
        MainTest.Result r = s2s(concat(new String[] {"dataset", "export-sft", "--data", data.toString(),
            "--projector", out.resolve("tiny.json").toString(), "--part", "heldout", "--heldout", "2", "--output",
            "reply", "--reply-prompt", "{text}", "--reply-tokens", "12", "--out", replies.toString()}, common));
        assertThat(r.code()).as(r.err()).isZero();
        List<String> pairs = Files.readAllLines(replies);
        assertThat(pairs).hasSize(2);
        List<String> expected = new java.util.ArrayList<>();
        try (LanguageModel model = S2s.languageModel("llama", ProviderConfig.of(Map.of("model", llm, "threads", 1)))) {
            for (String sentence : Files.readAllLines(sentences)) {
                expected.add(model.generate(Prompt.text(sentence), GenerationOptions.builder().maxTokens(12).build())
                        .text().strip());
            }
        }
        for (String line : pairs) {
            String reply = JSON.readTree(line).path("output").asText();
            assertThat(reply).isNotBlank().isIn(expected);
        }
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }

    private static List<String> manifestLines(Path dir) throws Exception {
        return Files.readAllLines(dir.resolve("manifest.jsonl")).stream().filter(l -> !l.isBlank()).toList();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
