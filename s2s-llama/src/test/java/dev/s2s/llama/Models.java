package dev.s2s.llama;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.s2s.api.ProviderConfig;
import dev.s2s.formats.GgufFile;
import dev.s2s.testkit.TestData;

/** Shared test fixtures: the real models, loaded with one thread. */
final class Models {

    static final String PROMPT = "Once upon a time";
    /** From ../shared/models/README.md: greedy, 30 tokens. */
    static final String README_TEXT =
            "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day,";

    private Models() {
    }

    static Path stories() {
        return TestData.model("stories260K.gguf");
    }

    static ProviderConfig config(Path model) {
        return ProviderConfig.of(Map.of("model", model.toString(), "threads", 1, "contextSize", 256));
    }

    static LlamaLanguageModel open(Path model) {
        return LlamaLanguageModel.open(LlamaSettings.builder(model).threads(1).contextSize(256).build());
    }

    /**
     * A copy of {@code source} with one more metadata entry (a string), written after the header.
     * The entry is padded to a multiple of the alignment so that every tensor offset stays valid.
     */
    static Path withString(Path source, Path target, String key, String value) throws IOException {
        byte[] src = Files.readAllBytes(source);
        long dataOffset;
        int alignment;
        try (GgufFile f = GgufFile.open(source)) {
            dataOffset = f.dataOffset();
            alignment = f.alignment();
        }
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        String v = value;
        while ((8 + k.length + 4 + 8 + v.getBytes(StandardCharsets.UTF_8).length) % alignment != 0) {
            v += " ";
        }
        byte[] vb = v.getBytes(StandardCharsets.UTF_8);
        ByteBuffer kv = ByteBuffer.allocate(8 + k.length + 4 + 8 + vb.length).order(ByteOrder.LITTLE_ENDIAN);
        kv.putLong(k.length).put(k).putInt(8).putLong(vb.length).put(vb);
        ByteBuffer out = ByteBuffer.allocate(src.length + kv.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(src, 0, 24).put(kv.array()).put(src, 24, (int) dataOffset - 24).put(src, (int) dataOffset,
                src.length - (int) dataOffset);
        out.putLong(16, ByteBuffer.wrap(src).order(ByteOrder.LITTLE_ENDIAN).getLong(16) + 1);
        return Files.write(target, out.array());
    }
}
