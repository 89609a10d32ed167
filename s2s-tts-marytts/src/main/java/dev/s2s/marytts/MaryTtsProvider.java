package dev.s2s.marytts;

import dev.s2s.api.ProviderConfig;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SpeechSynthesizerProvider;

/**
 * The {@code "marytts"} speech synthesizer: MaryTTS 5.2.1 running offline inside the JVM.
 *
 * <p>Configuration keys:
 * <ul>
 *   <li>{@code voice} (string, optional): the default voice, one of
 *       {@link MaryTtsSynthesizer#voices()}; default {@value MaryTtsSynthesizer#DEFAULT_VOICE} when
 *       installed, else the first installed voice. An unknown name raises
 *       {@link dev.s2s.api.ConfigException} listing the installed voices.</li>
 *   <li>{@code ssml} (boolean, optional, default false): treat every text as SSML, as if
 *       {@link dev.s2s.api.SynthesisOptions#ssml()} were set.</li>
 * </ul>
 *
 * <p>Thread-safe and stateless; see {@link MaryTtsSynthesizer} for the singleton handling.
 */
public final class MaryTtsProvider implements SpeechSynthesizerProvider {

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public MaryTtsProvider() {
    }

    @Override
    public String name() {
        return "marytts";
    }

    @Override
    public String description() {
        return "MaryTTS 5.2.1, offline in the JVM (48 kHz mono)";
    }

    @Override
    public SpeechSynthesizer create(ProviderConfig config) {
        return MaryTtsSynthesizer.create(config.string("voice"), config.bool("ssml", false));
    }
}
