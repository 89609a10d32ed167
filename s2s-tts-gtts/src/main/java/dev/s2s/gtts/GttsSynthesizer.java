package dev.s2s.gtts;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.s2s.api.AudioClip;
import dev.s2s.api.ConfigException;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SynthesisException;
import dev.s2s.api.SynthesisOptions;
import dev.s2s.gtts.internal.BadReplyException;
import dev.s2s.gtts.internal.GttsTransport;
import dev.s2s.gtts.internal.Mp3Cache;
import dev.s2s.gtts.internal.Mp3Decoder;
import dev.s2s.gtts.internal.TextChunker;

/**
 * Speech from Google Translate's text-to-speech endpoint, speaking the protocol of the Python gTTS
 * library 2.5: the text is prepared and cut into chunks of at most 100 characters exactly as gTTS
 * does, each chunk is one {@code batchexecute} request, and the MP3 replies are decoded to PCM
 * (24 kHz mono, as Google sends it) with the decoder delay trimmed, then joined.
 *
 * <p>This sends the text to Google. Use the offline {@code marytts} provider when that is not
 * acceptable. Google may rate-limit (429) or change the undocumented API (403/404) at any time;
 * {@link SynthesisException} messages name the probable cause.
 *
 * <p>Per-call options: {@link SynthesisOptions#language()} overrides the configured language,
 * {@link SynthesisOptions#slow()} (or the configured {@code slow}) slows speech down. There are no
 * voices (the accent comes from the {@code tld}) and no SSML; asking for either raises
 * {@link SynthesisException}.
 *
 * <p>Thread-safe: calls from several threads share one HTTP client and the cache.
 */
public final class GttsSynthesizer implements SpeechSynthesizer {

    /** Sample rate of Google's MP3 replies (MPEG-2 Layer III). */
    public static final int SAMPLE_RATE = 24_000;

    /** Guard against absurd replies: at most 5 minutes of audio per chunk (48 kHz, to be safe). */
    private static final int MAX_FRAMES_PER_CHUNK = 48_000 * 300;

    private static final Logger LOG = LoggerFactory.getLogger(GttsSynthesizer.class);

    private final GttsOptions options;
    private final GttsTransport transport;
    private final Mp3Cache cache;
    private volatile boolean closed;

    /** A synthesizer with these settings; nothing is sent until {@link #synthesize}. */
    public GttsSynthesizer(GttsOptions options) {
        this(options, d -> Thread.sleep(d));
    }

    /** For tests: a synthesizer that waits between retries with {@code sleeper}. */
    GttsSynthesizer(GttsOptions options, GttsTransport.Sleeper sleeper) {
        this.options = options;
        this.transport = new GttsTransport(options.endpoint(), options.tld(),
                new GttsTransport.Policy(options.connectTimeout(), options.readTimeout(), options.maxRetries(),
                        options.initialBackoff(), options.maxBackoff(), options.maxRetryAfter(),
                        options.maxResponseBytes()),
                options.sslContext(), sleeper);
        Mp3Cache c = null;
        if (options.cacheDir() != null) {
            try {
                c = new Mp3Cache(options.cacheDir());
            } catch (IOException e) {
                transport.close();
                throw new ConfigException("'cache': cannot create the cache folder " + options.cacheDir() + ": "
                        + e.getMessage() + " (provider 'gtts')", e);
            }
        }
        this.cache = c;
    }

    /** The settings. */
    public GttsOptions options() {
        return options;
    }

    /** The chunks gTTS would send for {@code text}, one request each. */
    public static List<String> chunks(String text) {
        return TextChunker.chunks(text);
    }

    /** 100: Google's TTS endpoint takes at most 100 characters per request; longer text is split. */
    @Override
    public int maxChunkChars() {
        return TextChunker.MAX_CHARS;
    }

    /**
     * Speaks {@code text}; blank text (or only punctuation) gives an empty clip.
     *
     * @throws SynthesisException for an unsupported language, a voice or SSML request, or when
     *                            Google cannot be reached or refuses (the message names the
     *                            probable cause)
     */
    @Override
    public AudioClip synthesize(String text, SynthesisOptions opts) {
        if (closed) {
            throw new IllegalStateException("this gtts synthesizer is closed");
        }
        if (text == null) {
            throw new SynthesisException("text must not be null");
        }
        SynthesisOptions o = opts == null ? SynthesisOptions.defaults() : opts;
        if (o.ssml()) {
            throw new SynthesisException("gtts speaks plain text only; SSML is not supported");
        }
        if (o.voice() != null && !o.voice().isBlank()) {
            throw new SynthesisException("gtts has no voices (asked for '" + o.voice() + "'); the accent comes from "
                    + "the 'tld' setting, e.g. 'com.au', 'co.uk', 'co.in'");
        }
        String lang = language(o.language());
        boolean slow = o.slow() || options.slow();
        List<String> chunks = TextChunker.chunks(text);
        List<AudioClip> parts = new ArrayList<>(chunks.size());
        for (String chunk : chunks) {
            parts.add(speakChunk(chunk, lang, slow));
        }
        return join(parts);
    }

    private String language(String requested) {
        if (requested == null || requested.isBlank()) {
            return options.lang();
        }
        if (!options.langCheck()) {
            return requested.trim();
        }
        Optional<String> tag = GttsLanguages.normalize(requested);
        if (tag.isEmpty()) {
            throw new SynthesisException("language '" + requested + "' is not supported by Google Translate TTS; "
                    + "see GttsLanguages.all()");
        }
        return tag.get();
    }

    private AudioClip speakChunk(String chunk, String lang, boolean slow) {
        if (cache != null) {
            Optional<byte[]> hit = cache.get(chunk, lang, options.tld(), slow);
            if (hit.isPresent()) {
                try {
                    return Mp3Decoder.decode(hit.get(), MAX_FRAMES_PER_CHUNK);
                } catch (BadReplyException e) {
                    LOG.warn("gtts cache: dropping an undecodable entry: {}", e.getMessage());
                    cache.remove(chunk, lang, options.tld(), slow);
                }
            }
        }
        byte[] mp3 = transport.fetch(chunk, lang, slow);
        AudioClip clip;
        try {
            clip = Mp3Decoder.decode(mp3, MAX_FRAMES_PER_CHUNK);
        } catch (BadReplyException e) {
            throw new SynthesisException("the TTS API answered with audio that does not decode as MP3: "
                    + e.getMessage(), e);
        }
        if (cache != null) {
            cache.put(chunk, lang, options.tld(), slow, mp3);
        }
        return clip;
    }

    private static AudioClip join(List<AudioClip> parts) {
        if (parts.isEmpty()) {
            return AudioClip.mono(new float[0], SAMPLE_RATE);
        }
        int rate = parts.getFirst().sampleRate();
        long total = 0;
        List<AudioClip> mono = new ArrayList<>(parts.size());
        for (AudioClip p : parts) {
            AudioClip m = p.toMono();
            if (m.sampleRate() != rate) {
                throw new SynthesisException("the TTS API answered chunks at different sample rates (" + rate
                        + " Hz and " + m.sampleRate() + " Hz)");
            }
            mono.add(m);
            total += m.length();
        }
        if (mono.size() == 1) {
            return mono.getFirst();
        }
        float[] out = new float[Math.toIntExact(total)];
        int at = 0;
        for (AudioClip m : mono) {
            m.copyTo(out, at);
            at += m.length();
        }
        return AudioClip.mono(out, rate);
    }

    /** Stops the HTTP client. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            transport.close();
        }
    }
}
