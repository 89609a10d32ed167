package dev.s2s.examples;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import dev.s2s.api.GenerationOptions;
import dev.s2s.api.PipelineMethod;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.Reply;
import dev.s2s.api.S2s;
import dev.s2s.api.SpeechPipeline;
import dev.s2s.api.SynthesisOptions;
import dev.s2s.api.Wav;
import dev.s2s.cli.DownloadListener;
import dev.s2s.cli.ModelStore;

/**
 * Example 2: speech translation. Whisper (multilingual base) transcribes, the language model is
 * prompted to translate into the target language, and gTTS speaks the translation in that
 * language ({@code lang}). gTTS calls Google's online TTS endpoint, so this example needs the
 * internet.
 * <pre>java -cp examples/s2s-cli/target/s2s.jar dev.s2s.examples.SpeechTranslation samples/hello-how-are-you.wav fr</pre>
 * <p>Example code, run from {@code main} on one thread.
 */
public final class SpeechTranslation {
    private SpeechTranslation() {
    }

    /** @param args the speech (a WAV file) and the target language code (default fr) */
    public static void main(String[] args) throws Exception {
        Path speech = Path.of(args.length > 0 ? args[0] : "samples/hello-how-are-you.wav");
        String target = args.length > 1 ? args[1] : "fr";
        String name = Locale.of(target).getDisplayLanguage(Locale.ENGLISH);
        ModelStore models = ModelStore.fromEnvironment(false);
        Path whisper = models.fetch(models.spec("whisper:base"), DownloadListener.NONE);
        Path qwen = models.fetch(models.spec("llm:qwen2.5-0.5b-instruct-q4_k_m"), DownloadListener.NONE);
        try (SpeechPipeline translator = SpeechPipeline.builder().method(PipelineMethod.TEXT)
                .recognizer(S2s.recognizer("whisper", ProviderConfig.of(Map.of("model", whisper.toString()))))
                .languageModel(S2s.languageModel("llama", ProviderConfig.of(Map.of("model", qwen.toString()))))
                .systemPrompt("You are a translator. Translate the user's words into " + name
                        + ". Reply with the translation only, nothing else.")
                .generationOptions(GenerationOptions.builder().maxTokens(128).build())
                .synthesizer(S2s.synthesizer("gtts", ProviderConfig.of(Map.of("lang", target))))
                .synthesisOptions(SynthesisOptions.builder().language(target).build())
                .closeComponents(true).build()) {
            Reply reply = translator.run(Wav.read(speech));
            if (reply.noSpeech()) {
                System.out.println("(no speech heard)");
                return;
            }
            System.out.println("heard:      " + reply.input().strip());
            System.out.println(name + ": " + reply.answer().strip());
            Wav.write(reply.audio(), Path.of("translation.wav"));
        }
    }
}
