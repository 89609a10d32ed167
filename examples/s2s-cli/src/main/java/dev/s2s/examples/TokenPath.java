package dev.s2s.examples;

import java.nio.file.Path;
import java.util.Map;

import dev.s2s.api.AudioClip;
import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.PipelineMethod;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.Reply;
import dev.s2s.api.S2s;
import dev.s2s.api.SnapOptions;
import dev.s2s.api.SnapResult;
import dev.s2s.api.SpeechPipeline;
import dev.s2s.api.TokenSnapper;
import dev.s2s.api.Vocabulary;
import dev.s2s.api.Wav;
import dev.s2s.cli.DownloadListener;
import dev.s2s.cli.ModelStore;

/**
 * Example 3: the token path with a projector file. The Whisper encoder's hidden states are
 * projected into the language model's embedding space, each vector is snapped to its nearest
 * vocabulary token (printed with its margin), and the token ids are the language model's prompt.
 * The projector (an "mlp" JSON + safetensors pair) is yours: train one for your encoder and model.
 * <pre>java -cp examples/s2s-cli/target/s2s.jar dev.s2s.examples.TokenPath samples/hello-how-are-you.wav projector.json</pre>
 * <p>Example code, run from {@code main} on one thread.
 */
public final class TokenPath {
    private TokenPath() {
    }

    /** @param args the speech (a WAV file) and the projector's JSON configuration */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: TokenPath <speech.wav> <projector.json>");
            System.exit(2);
        }
        ModelStore models = ModelStore.fromEnvironment(false);
        String whisper = models.fetch(models.spec("whisper:base.en"), DownloadListener.NONE).toString();
        String qwen = models.fetch(models.spec("llm:qwen2.5-0.5b-instruct-q4_k_m"), DownloadListener.NONE).toString();
        AudioClip speech = Wav.read(Path.of(args[0]));
        LanguageModel llm = S2s.languageModel("llama", ProviderConfig.of(Map.of("model", qwen)));
        EmbeddingProjector projector = S2s.projector("mlp", ProviderConfig.of(Map.of("config", args[1])));
        TokenSnapper snapper = S2s.snapper("vector", llm.tokenEmbeddings(), ProviderConfig.empty());
        Vocabulary vocab = llm.tokenEmbeddings().vocabulary();
        SnapOptions snap = SnapOptions.builder().topK(2).collapseRepeats(true)
                .exclude(vocab.idsOfType(Vocabulary.CONTROL, Vocabulary.BYTE, Vocabulary.UNUSED)).build();
        try (SpeechPipeline p = SpeechPipeline.builder().method(PipelineMethod.TOKENS)
                .audioEncoder(S2s.audioEncoder("whisper-encoder", ProviderConfig.of(Map.of("model", whisper))))
                .projector(projector).snapper(snapper).snapOptions(snap).languageModel(llm)
                .synthesizer(S2s.synthesizer("marytts", ProviderConfig.empty())).closeComponents(true).build()) {
            Reply reply = p.run(speech);
            SnapResult r = reply.snap();
            int[] ids = r.tokens();
            float[] margins = r.margins();
            for (int i = 0; i < ids.length; i++) {
                System.out.printf("frame %4d  id %6d  %-16s margin %.4f%n", r.frames()[i], ids[i],
                        '"' + vocab.token(ids[i]) + '"', margins[i]);
            }
            System.out.println("snapped text: " + reply.input());
            System.out.println("answer:       " + reply.answer());
            Wav.write(reply.audio(), Path.of("token-path-reply.wav"));
        }
    }
}
