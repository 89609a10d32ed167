package dev.s2s.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
                "--recipe", "--minutes", "--epochs", "--seed", "--threads", "--out", "--llm-model", "--heldout");
        MainTest.Result e = s2s("eval-projector", "--help");
        assertThat(e.code()).isZero();
        assertThat(e.out()).contains("--projector", "--data", "TER", "exact-match", "--examples");
        MainTest.Result d = s2s("dataset", "export-sft", "--help");
        assertThat(d.code()).isZero();
        assertThat(d.out()).contains("--format", "alpaca", "chat", "--instruction", "Unsloth");
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
        MainTest.Result reuse = s2s("train-projector", "--data", tmp.resolve("none").toString(), "--reuse",
                "--out", tmp.toString(), "--llm-model", TestData.model("stories260K.gguf").toString(),
                "--offline", "--home", tmp.toString());
        assertThat(reuse.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(reuse.err()).contains("no dataset");
        MainTest.Result format = s2s("dataset", "export-sft", "--data", tmp.toString(), "--projector",
                tmp.resolve("p.json").toString(), "--out", tmp.resolve("x.jsonl").toString(), "--format", "xml");
        assertThat(format.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(format.err()).contains("alpaca or chat");
        assertThat(s2s("eval-projector", "--data", tmp.toString()).code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void tinyTrainEvaluateAndExportRun() throws Exception {
        Path sentences = tmp.resolve("sentences.txt");
        Files.writeString(sentences, String.join("\n", List.of("Once upon a time there was a cat.",
                "The dog ran to the park.", "Lily saw a big red ball.", "Tom was very happy.",
                "She liked to play outside.", "The sun was warm and bright.", "He found a little bird.",
                "They went home for lunch.", "Mom made a yummy cake.", "The girl smiled at her friend.",
                "A fish swam in the pond.", "The boy had a blue hat.")), StandardCharsets.UTF_8);
        String llm = TestData.model("stories260K.gguf").toString();
        Path data = tmp.resolve("data");
        Path out = tmp.resolve("out");
        String[] common = {"--llm-model", llm, "--offline", "--home", tmp.resolve("home").toString()};

        MainTest.Result t = s2s(concat(new String[] {"train-projector", "--data", data.toString(), "--sentences",
            sentences.toString(), "--voice", "marytts:cmu-slt-hsmm", "--encoder", "whisper-mel", "--encoder-model",
            TestData.model("for-tests-ggml-tiny.bin").toString(), "--recipe", "A1", "--epochs", "2", "--seed", "3",
            "--heldout", "2", "--examples", "1", "--out", out.toString(), "--name", "tiny"}, common));
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("epoch   1", "epoch   2", "held-out TER", "ref: ", "llm: ");
        assertThat(manifestLines(data)).hasSize(12);
        for (String f : new String[] {"tiny.json", "tiny.safetensors", "tiny-report.json", "tiny-curve.png"}) {
            assertThat(out.resolve(f)).isNotEmptyFile();
        }
        JsonNode report = JSON.readTree(out.resolve("tiny-report.json").toFile());
        assertThat(report.path("trainUtterances").asInt()).isEqualTo(10);
        assertThat(report.path("heldOut").path("utterances").asInt()).isEqualTo(2);
        assertThat(report.path("heldOut").path("ter").isNumber()).isTrue();
        byte[] png = Files.readAllBytes(out.resolve("tiny-curve.png"));
        assertThat(png[1]).isEqualTo((byte) 'P');

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
