package dev.s2s.examples;

import java.nio.file.Path;

import dev.s2s.api.AudioClip;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SpeechSynthesizerProvider;
import dev.s2s.api.Wav;

/**
 * Example 4: using a third-party provider plugin. The "espeak" synthesizer lives in its own jar
 * ({@code examples/espeak-plugin}); {@link S2s} finds it through {@code META-INF/services} only when
 * that jar is on the class path:
 * <pre>java -cp examples/s2s-cli/target/s2s.jar:examples/espeak-plugin/target/s2s-espeak-plugin.jar \
 *     dev.s2s.examples.PluginUsage "Hello from a plugin"</pre>
 * <p>Example code, run from {@code main} on one thread.
 */
public final class PluginUsage {
    private PluginUsage() {
    }

    /** @param args the text to say */
    public static void main(String[] args) throws Exception {
        System.out.println("synthesizers found: " + S2s.names(SpeechSynthesizerProvider.class));
        if (!S2s.names(SpeechSynthesizerProvider.class).contains("espeak")) {
            System.out.println("the espeak plugin is not on the class path; add "
                    + "examples/espeak-plugin/target/s2s-espeak-plugin.jar (and install libespeak-ng1)");
            System.exit(1);
        }
        try (SpeechSynthesizer espeak = S2s.synthesizer("espeak", ProviderConfig.parse("{\"voice\": \"en-us\"}"))) {
            AudioClip clip = espeak.synthesize(args.length > 0 ? String.join(" ", args) : "Hello from a plugin");
            Wav.write(clip, Path.of("plugin.wav"));
            System.out.printf("plugin.wav: %.2f s at %d Hz%n", clip.seconds(), clip.sampleRate());
        }
    }
}
