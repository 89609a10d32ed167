package dev.s2s.examples;

import java.nio.file.Path;
import java.util.Map;

import dev.s2s.api.GenerationOptions;
import dev.s2s.api.PipelineEvent;
import dev.s2s.api.PipelineMethod;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.RecognitionOptions;
import dev.s2s.api.Reply;
import dev.s2s.api.S2s;
import dev.s2s.api.SpeechPipeline;
import dev.s2s.api.Wav;
import dev.s2s.cli.DownloadListener;
import dev.s2s.cli.ModelStore;

/**
 * Example 1: a voice assistant (text method) in about 30 lines. Whisper hears the question, Qwen2.5
 * answers it (streamed to the console), MaryTTS speaks the answer to {@code reply.wav}.
 * <pre>java -cp examples/s2s-cli/target/s2s.jar dev.s2s.examples.VoiceAssistant samples/what-is-the-capital-of-france.wav</pre>
 * <p>Example code, run from {@code main} on one thread.
 */
public final class VoiceAssistant {
    private VoiceAssistant() {
    }

    /** @param args the question (a WAV file) */
    public static void main(String[] args) throws Exception {
        Path question = Path.of(args.length > 0 ? args[0] : "samples/what-is-the-capital-of-france.wav");
        ModelStore models = ModelStore.fromEnvironment(false); // ~/.cache/s2s; downloads once, checked by sha256
        Path whisper = models.fetch(models.spec("whisper:base.en"), DownloadListener.NONE);
        Path qwen = models.fetch(models.spec("llm:qwen2.5-0.5b-instruct-q4_k_m"), DownloadListener.NONE);
        try (SpeechPipeline assistant = SpeechPipeline.builder().method(PipelineMethod.TEXT)
                .recognizer(S2s.recognizer("whisper", ProviderConfig.of(Map.of("model", whisper.toString()))))
                .recognitionOptions(RecognitionOptions.builder().language("en").build())
                .languageModel(S2s.languageModel("llama", ProviderConfig.of(Map.of("model", qwen.toString()))))
                .systemPrompt("You are a helpful voice assistant. Answer in one or two short sentences.")
                .generationOptions(GenerationOptions.builder().maxTokens(96).build())
                .synthesizer(S2s.synthesizer("marytts", ProviderConfig.empty()))
                .closeComponents(true).build()) {
            Reply reply = assistant.stream(Wav.read(question), event -> {
                if (event instanceof PipelineEvent.Recognized r) {
                    System.out.println("heard:  " + r.transcript().text().strip());
                } else if (event instanceof PipelineEvent.Token t) {
                    System.out.print(t.piece());
                }
            });
            System.out.println();
            if (reply.noSpeech()) {
                System.out.println("(no speech heard)");
                return;
            }
            Wav.write(reply.audio(), Path.of("reply.wav"));
            reply.timings().forEach(t -> System.out.println(t.stage() + ": " + t.time().toMillis() + " ms"));
        }
    }
}
