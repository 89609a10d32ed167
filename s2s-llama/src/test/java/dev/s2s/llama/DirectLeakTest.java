package dev.s2s.llama;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.s2s.api.GenerationOptions;
import dev.s2s.api.Prompt;
import dev.s2s.testkit.TestData;

/** Opening and closing a model 200 times must not leak native memory. */
class DirectLeakTest {

    @Test
    void openAndClose200TimesKeepsResidentMemoryFlat() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")),
                "needs /proc/self/status (Linux)");
        Path stories = TestData.model("stories260K.gguf");
        LlamaSettings s = LlamaSettings.builder(stories).threads(1).batchThreads(1).contextSize(256).build();
        GenerationOptions two = GenerationOptions.builder().maxTokens(2).temperature(0).build();
        float[] emb = new float[3 * 64];
        for (int i = 0; i < 20; i++) { // warm up allocator arenas, JIT and the library
            cycle(s, two, emb);
        }
        System.gc();
        long before = rssKb();
        for (int i = 0; i < 200; i++) {
            cycle(s, two, emb);
        }
        System.gc();
        long after = rssKb();
        org.slf4j.LoggerFactory.getLogger(DirectLeakTest.class).info("VmRSS {} kB -> {} kB over 200 open/close cycles "
                + "(growth {} kB)", before, after, after - before);
        assertThat(after - before).as("VmRSS growth in kB over 200 open/close cycles").isLessThan(50 * 1024);
    }

    private static void cycle(LlamaSettings s, GenerationOptions o, float[] emb) {
        try (LlamaDirectModel m = LlamaDirectModel.open(s)) {
            // touch every native allocation: token batch, embedding batch, sampler chain
            m.generate(Prompt.mixed(Prompt.tokens(1), Prompt.embeddings(
                    new dev.s2s.api.EmbeddingSequence(emb, 3, 64, 0))), o);
        }
    }

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
