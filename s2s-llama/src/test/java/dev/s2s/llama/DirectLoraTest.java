package dev.s2s.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.s2s.api.GenerationOptions;
import dev.s2s.api.ModelFormatException;
import dev.s2s.api.Prompt;
import dev.s2s.testkit.TestData;

/**
 * LoRA adapters through {@code llama_adapter_lora_init} / {@code llama_set_adapter_lora}, with
 * adapters for stories260K written here (rank 4 on every attention query projection).
 */
class DirectLoraTest {

    static final int RANK = 4;
    static final int LAYERS = 5;
    static final int EMBD = 64;

    @Test
    void adaptersChangeTheOutputByTheirScale(@TempDir Path dir) throws IOException {
        Path stories = TestData.model("stories260K.gguf");
        Path zero = writeLora(dir.resolve("zero.gguf"), "llama", 0f);
        Path strong = writeLora(dir.resolve("strong.gguf"), "llama", 0.8f);
        GenerationOptions greedy = GenerationOptions.builder().maxTokens(40).temperature(0).build();

        int[] base = generate(LlamaSettings.builder(stories), greedy);
        assertThat(generate(LlamaSettings.builder(stories).lora(zero, 1f), greedy)).containsExactly(base);
        assertThat(generate(LlamaSettings.builder(stories).lora(strong, 0f), greedy)).containsExactly(base);
        int[] adapted = generate(LlamaSettings.builder(stories).lora(strong, 1f), greedy);
        assertThat(adapted).isNotEqualTo(base);
        // deterministic, and two adapters stack
        assertThat(generate(LlamaSettings.builder(stories).lora(strong, 1f), greedy)).containsExactly(adapted);
        assertThat(generate(LlamaSettings.builder(stories).lora(strong, 1f).lora(zero, 1f), greedy))
                .containsExactly(adapted);
    }

    @Test
    void anAdapterForAnotherArchitectureIsRefused(@TempDir Path dir) throws IOException {
        Path stories = TestData.model("stories260K.gguf");
        Path gpt2 = writeLora(dir.resolve("gpt2.gguf"), "gpt2", 0.5f);
        assertThatThrownBy(() -> LlamaDirectModel.open(LlamaSettings.builder(stories).threads(1).lora(gpt2, 1f)
                .build())).isInstanceOf(ModelFormatException.class).hasMessageContaining("gpt2.gguf");
    }

    private static int[] generate(LlamaSettings.Builder b, GenerationOptions o) {
        try (LlamaDirectModel m = LlamaDirectModel.open(b.threads(1).batchThreads(1).contextSize(128).build())) {
            return m.generate(Prompt.text("Once upon a time"), o).tokens();
        }
    }

    /** A GGUF v3 LoRA adapter: lora_a [64 x r] and lora_b [r x 64] for blk.*.attn_q.weight. */
    static Path writeLora(Path file, String arch, float std) throws IOException {
        Random rnd = new Random(1234);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (int l = 0; l < LAYERS; l++) {
            float[] a = new float[EMBD * RANK];
            float[] b = new float[RANK * EMBD];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextGaussian() * std;
                b[i] = (float) rnd.nextGaussian() * std;
            }
            tensors.put("blk." + l + ".attn_q.weight.lora_a", a);
            shapes.put("blk." + l + ".attn_q.weight.lora_a", new long[] {EMBD, RANK});
            tensors.put("blk." + l + ".attn_q.weight.lora_b", b);
            shapes.put("blk." + l + ".attn_q.weight.lora_b", new long[] {RANK, EMBD});
        }
        Out out = new Out();
        out.u32(0x46554747).u32(3).u64(tensors.size()).u64(4);
        out.str("general.type").u32(8).str("adapter");
        out.str("general.architecture").u32(8).str(arch);
        out.str("adapter.type").u32(8).str("lora");
        out.str("adapter.lora.alpha").u32(6).f32(RANK);
        long offset = 0;
        for (Map.Entry<String, float[]> t : tensors.entrySet()) {
            long[] shape = shapes.get(t.getKey());
            out.str(t.getKey()).u32(shape.length);
            for (long d : shape) {
                out.u64(d);
            }
            out.u32(0).u64(offset); // F32
            offset += align(t.getValue().length * 4L);
        }
        out.pad();
        for (float[] data : tensors.values()) {
            for (float v : data) {
                out.f32(v);
            }
            out.pad();
        }
        return Files.write(file, out.bytes.toByteArray());
    }

    static long align(long n) {
        return (n + 31) / 32 * 32;
    }

    /** Little-endian GGUF bytes. */
    static final class Out {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        Out u32(long v) {
            b.clear();
            b.putInt((int) v);
            bytes.write(b.array(), 0, 4);
            return this;
        }

        Out u64(long v) {
            b.clear();
            b.putLong(v);
            bytes.write(b.array(), 0, 8);
            return this;
        }

        Out f32(float v) {
            b.clear();
            b.putFloat(v);
            bytes.write(b.array(), 0, 4);
            return this;
        }

        Out str(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            u64(u.length);
            bytes.write(u, 0, u.length);
            return this;
        }

        void pad() {
            while (bytes.size() % 32 != 0) {
                bytes.write(0);
            }
        }
    }
}
