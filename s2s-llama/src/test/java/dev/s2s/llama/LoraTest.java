package dev.s2s.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.api.Generation;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.ModelFormatException;
import dev.s2s.api.Prompt;
import dev.s2s.api.S2s;
import dev.s2s.formats.GgufFile;

/** LoRA adapters in GGUF form are applied by llama.cpp with their scale. */
class LoraTest {

    @TempDir
    Path dir;

    /**
     * A rank-4 LoRA adapter on stories260K's {@code output.weight} (64 → 512) with random weights,
     * in the layout llama.cpp's {@code convert_lora_to_gguf.py} writes: {@code lora_a} is
     * [in, rank], {@code lora_b} is [rank, out], both F32.
     */
    private Path adapter() throws IOException {
        return adapter("llama");
    }

    private Path adapter(String architecture) throws IOException {
        int rank = 4;
        Random r = new Random(5);
        float[] a = new float[64 * rank];
        float[] b = new float[rank * 512];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian();
        }
        ByteBuffer out = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        out.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(2).putLong(4);
        string(out, "general.architecture");
        out.putInt(8);
        string(out, architecture);
        string(out, "general.type");
        out.putInt(8);
        string(out, "adapter");
        string(out, "adapter.type");
        out.putInt(8);
        string(out, "lora");
        string(out, "adapter.lora.alpha");
        out.putInt(6).putFloat(rank);
        long[][] shapes = {{64, rank}, {rank, 512}};
        String[] names = {"output.weight.lora_a", "output.weight.lora_b"};
        long offset = 0;
        for (int t = 0; t < 2; t++) {
            string(out, names[t]);
            out.putInt(2).putLong(shapes[t][0]).putLong(shapes[t][1]).putInt(0).putLong(offset);
            offset += shapes[t][0] * shapes[t][1] * 4;
        }
        while (out.position() % 32 != 0) {
            out.put((byte) 0);
        }
        for (float v : a) {
            out.putFloat(v);
        }
        for (float v : b) {
            out.putFloat(v);
        }
        Path p = dir.resolve(architecture + "-lora.gguf");
        Files.write(p, java.util.Arrays.copyOf(out.array(), out.position()));
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.tensors()).hasSize(2); // the fixture itself is well-formed
        }
        return p;
    }

    private static void string(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putLong(bytes.length).put(bytes);
    }

    private String generate(Path lora, double... scales) {
        List<Map<String, Object>> loras = java.util.Arrays.stream(scales)
                .mapToObj(s -> Map.<String, Object>of("path", lora.toString(), "scale", s)).toList();
        try (LanguageModel m = S2s.languageModel("llama", Models.config(Models.stories()).with("lora", loras))) {
            Generation g = m.generate(Prompt.text(Models.PROMPT),
                    GenerationOptions.builder().maxTokens(30).temperature(0).build());
            return Models.PROMPT + g.text();
        }
    }

    @Test
    void anAdapterLlamaCppRefusesIsAnErrorNotACrash() throws IOException {
        Path wrong = adapter("gpt2");
        assertThatThrownBy(() -> generate(wrong, 1)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("could not load").hasMessageContaining("gpt2-lora.gguf");
    }

    @Test
    void theAdapterAppliesWithItsScale() throws IOException {
        Path lora = adapter();
        assertThat(generate(lora, 0)).isEqualTo(Models.README_TEXT);
        String strong = generate(lora, 1);
        assertThat(strong).isNotEqualTo(Models.README_TEXT);
        assertThat(generate(lora, 1)).isEqualTo(strong);
        // several adapters load together (java-llama.cpp alone keeps only one)
        assertThat(generate(lora, 1, 0)).isEqualTo(strong);
        assertThat(generate(lora, 0, 0)).isEqualTo(Models.README_TEXT);
    }
}
