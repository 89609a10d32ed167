package dev.s2s.espeak;

import dev.s2s.api.ProviderConfig;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SpeechSynthesizerProvider;

/**
 * The {@code "espeak"} synthesizer provider, registered through
 * {@code META-INF/services/dev.s2s.api.SpeechSynthesizerProvider}.
 *
 * <p>Configuration keys (all optional):
 * <ul>
 *   <li>{@code voice}: voice or language, e.g. {@code "en-us"}, {@code "fr"} (default {@code "en"})</li>
 *   <li>{@code rate}: words per minute, 80-450 (default 175)</li>
 *   <li>{@code pitch}: 0-100 (default 50)</li>
 *   <li>{@code library}: the shared library's name or path (default {@code libespeak-ng.so.1})</li>
 *   <li>{@code dataPath}: the folder holding {@code espeak-ng-data} (default: the library's own)</li>
 * </ul>
 *
 * <p>Thread-safe: stateless.
 */
public final class EspeakProvider implements SpeechSynthesizerProvider {

    /** Used by {@link java.util.ServiceLoader}. */
    public EspeakProvider() {
    }

    @Override
    public String name() {
        return "espeak";
    }

    @Override
    public String description() {
        return "eSpeak NG through JNA (example plugin; needs libespeak-ng1)";
    }

    @Override
    public SpeechSynthesizer create(ProviderConfig config) {
        return new EspeakSynthesizer(config.string("library"), config.string("dataPath"), config.string("voice"),
                config.integer("rate", 175), config.integer("pitch", 50));
    }
}
