package dev.s2s.gtts;

import dev.s2s.api.ProviderConfig;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SpeechSynthesizerProvider;

/**
 * The {@code "gtts"} speech synthesizer: Google Translate's text-to-speech endpoint, spoken to as
 * the Python gTTS 2.5 library does. Sends the text to Google.
 *
 * <p>Configuration keys (all optional): {@code lang} (default {@code en}; {@code language} is
 * accepted too), {@code tld} (default {@code com}; picks the accent), {@code slow},
 * {@code baseUrl}, {@code connectTimeoutMs} (10000), {@code readTimeoutMs} (30000),
 * {@code maxRetries} (3), {@code initialBackoffMs} (500), {@code maxBackoffMs} (10000),
 * {@code maxRetryAfterMs} (60000), {@code cache} (folder of the on-disk MP3 cache; none by default),
 * {@code langCheck} (true), {@code maxResponseBytes} (16 MiB). See {@link GttsOptions}.
 *
 * <p>Thread-safe and stateless.
 */
public final class GttsProvider implements SpeechSynthesizerProvider {

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public GttsProvider() {
    }

    @Override
    public String name() {
        return "gtts";
    }

    @Override
    public String description() {
        return "Google Translate text-to-speech (gTTS 2.5 protocol; online, 24 kHz mono)";
    }

    @Override
    public SpeechSynthesizer create(ProviderConfig config) {
        return new GttsSynthesizer(GttsOptions.from(config));
    }
}
