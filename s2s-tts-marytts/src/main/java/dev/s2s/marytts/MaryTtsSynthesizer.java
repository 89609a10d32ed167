package dev.s2s.marytts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import dev.s2s.api.AudioClip;
import dev.s2s.api.ConfigException;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SynthesisException;
import dev.s2s.api.SynthesisOptions;
import marytts.LocalMaryInterface;
import marytts.exceptions.MaryConfigurationException;
import marytts.modules.synthesis.Voice;
import marytts.server.Mary;

/**
 * A {@link SpeechSynthesizer} over MaryTTS 5.2.1, fully offline. Output is 48 kHz mono (MaryTTS
 * renders 16-bit PCM at 48 kHz; a voice that renders another rate is resampled to 48 kHz).
 *
 * <p>MaryTTS is a process-wide singleton. The first synthesizer created starts it (about 3 s, once
 * per JVM); later ones share it. Start-up is serialised, so creating synthesizers from several
 * threads is safe. {@link #close()} only retires this instance: MaryTTS stays up for the others and
 * stops with the JVM through its own shutdown hook, which logs through SLF4J and prints nothing.
 *
 * <p>Logging: the module replaces log4j with {@code log4j-over-slf4j}, so MaryTTS logs through
 * SLF4J (logger names start with {@code marytts}) and writes no {@code ./log/server.log}. When the
 * application puts real log4j back on the class path, the system property
 * {@code log4j.logger.marytts} is set to {@code WARN, stderr} before start-up (unless already set),
 * which also stops the log file.
 *
 * <p>Input is plain text, or SSML when {@link SynthesisOptions#ssml()} (or the {@code ssml}
 * configuration key) is set. {@link SynthesisOptions#slow()} wraps the input in SSML
 * {@code <prosody rate="x-slow">} (measured: about 27% longer with cmu-slt-hsmm).
 * {@link SynthesisOptions#language()} picks an installed voice for that language when no
 * voice is named, and must match the voice's language when one is.
 *
 * <p>Thread-safe: every call uses its own MaryTTS request object, and MaryTTS's modules serve
 * concurrent requests (checked by a test that compares concurrent output with sequential output).
 */
public final class MaryTtsSynthesizer implements SpeechSynthesizer {

    /** The voice this module ships with. */
    public static final String DEFAULT_VOICE = "cmu-slt-hsmm";

    /** The output sample rate. */
    public static final int SAMPLE_RATE = 48_000;

    private static final Logger LOG = LoggerFactory.getLogger(MaryTtsSynthesizer.class);
    private static final Object STARTUP_LOCK = new Object();

    private final String voice;
    private final boolean ssmlByDefault;
    private volatile boolean closed;

    private MaryTtsSynthesizer(String voice, boolean ssmlByDefault) {
        this.voice = voice;
        this.ssmlByDefault = ssmlByDefault;
    }

    /** A synthesizer with the default voice and plain-text input; starts MaryTTS if needed. */
    public static MaryTtsSynthesizer create() {
        return create(null, false);
    }

    /**
     * A synthesizer; starts MaryTTS if needed.
     *
     * @param voice         the default voice, or {@code null} for {@value #DEFAULT_VOICE} (else the
     *                      first installed voice)
     * @param ssmlByDefault treat every text as SSML
     * @throws ConfigException    when {@code voice} is not installed
     * @throws SynthesisException when MaryTTS cannot start
     */
    public static MaryTtsSynthesizer create(String voice, boolean ssmlByDefault) {
        ensureStarted();
        List<String> installed = installedVoices();
        if (installed.isEmpty()) {
            throw new SynthesisException("MaryTTS started but no voice is installed; add a voice jar such as "
                    + "de.dfki.mary:voice-" + DEFAULT_VOICE + " to the class path");
        }
        String chosen;
        if (voice == null || voice.isBlank()) {
            chosen = installed.contains(DEFAULT_VOICE) ? DEFAULT_VOICE : installed.getFirst();
        } else if (Voice.getVoice(voice.trim()) != null) {
            chosen = Voice.getVoice(voice.trim()).getName();
        } else {
            throw new ConfigException("'voice': unknown MaryTTS voice '" + voice + "'; installed voices: " + installed
                    + " (provider 'marytts')");
        }
        return new MaryTtsSynthesizer(chosen, ssmlByDefault);
    }

    /** The default voice of this synthesizer. */
    public String voice() {
        return voice;
    }

    /** The installed voice names, sorted. */
    @Override
    public List<String> voices() {
        return installedVoices();
    }

    /** Frees nothing but this instance; MaryTTS itself is shared and stops with the JVM. */
    @Override
    public void close() {
        closed = true;
    }

    /**
     * Speaks {@code text} (or SSML markup) as 48 kHz mono.
     *
     * @throws SynthesisException for an unknown voice, a voice of another language, invalid SSML or
     *                            a MaryTTS failure
     */
    @Override
    public AudioClip synthesize(String text, SynthesisOptions options) {
        if (closed) {
            throw new IllegalStateException("this MaryTTS synthesizer is closed");
        }
        if (text == null) {
            throw new SynthesisException("text must not be null");
        }
        SynthesisOptions opts = options == null ? SynthesisOptions.defaults() : options;
        boolean ssml = opts.ssml() || ssmlByDefault;
        if (!ssml && text.isBlank()) {
            return AudioClip.mono(new float[0], SAMPLE_RATE);
        }
        Voice v = resolveVoice(opts);
        LocalMaryInterface mary;
        try {
            mary = new LocalMaryInterface();
        } catch (MaryConfigurationException e) {
            throw new SynthesisException("MaryTTS is not available: " + e.getMessage(), e);
        }
        mary.setVoice(v.getName());
        AudioInputStream audio;
        try {
            if (ssml || opts.slow()) {
                Document doc = ssml ? parseSsml(text) : plainSsml(text, v.getLocale());
                if (opts.slow()) {
                    slowDown(doc);
                }
                mary.setInputType("SSML");
                audio = mary.generateAudio(doc);
            } else {
                audio = mary.generateAudio(text);
            }
        } catch (marytts.exceptions.SynthesisException | RuntimeException e) {
            throw new SynthesisException("MaryTTS could not synthesize with voice '" + v.getName() + "': "
                    + e.getMessage(), e);
        }
        AudioClip clip = toClip(audio);
        return clip.sampleRate() == SAMPLE_RATE ? clip : clip.resample(SAMPLE_RATE);
    }

    private Voice resolveVoice(SynthesisOptions opts) {
        String name = opts.voice() == null || opts.voice().isBlank() ? null : opts.voice().trim();
        String lang = opts.language() == null || opts.language().isBlank() ? null : opts.language().trim();
        if (name == null && lang != null) {
            Voice own = Voice.getVoice(voice);
            if (own != null && sameLanguage(own.getLocale(), lang)) {
                return own;
            }
            for (Voice candidate : sortedVoices()) {
                if (sameLanguage(candidate.getLocale(), lang)) {
                    return candidate;
                }
            }
            throw new SynthesisException("no installed MaryTTS voice speaks '" + lang + "'; installed voices: "
                    + describeVoices());
        }
        String wanted = name == null ? voice : name;
        Voice v = Voice.getVoice(wanted);
        if (v == null) {
            throw new SynthesisException("unknown MaryTTS voice '" + wanted + "'; installed voices: " + describeVoices());
        }
        if (lang != null && !sameLanguage(v.getLocale(), lang)) {
            throw new SynthesisException("MaryTTS voice '" + v.getName() + "' speaks " + v.getLocale()
                    + ", not '" + lang + "'");
        }
        return v;
    }

    private static boolean sameLanguage(Locale voiceLocale, String tag) {
        Locale wanted = Locale.forLanguageTag(tag.replace('_', '-'));
        if (!voiceLocale.getLanguage().equals(wanted.getLanguage())) {
            return false;
        }
        return wanted.getCountry().isEmpty() || voiceLocale.getCountry().isEmpty()
                || voiceLocale.getCountry().equals(wanted.getCountry());
    }

    private static final String SSML_NS = "http://www.w3.org/2001/10/synthesis";

    /** {@code <speak xml:lang="..">text</speak>}. */
    private static Document plainSsml(String text, Locale locale) {
        try {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
            Element speak = doc.createElementNS(SSML_NS, "speak");
            speak.setAttribute("version", "1.0");
            speak.setAttributeNS(XMLConstants.XML_NS_URI, "xml:lang", locale.toLanguageTag());
            speak.appendChild(doc.createTextNode(text));
            doc.appendChild(speak);
            return doc;
        } catch (ParserConfigurationException e) {
            throw new SynthesisException("cannot build SSML: " + e.getMessage(), e);
        }
    }

    /** Moves the children of the root {@code <speak>} into {@code <prosody rate="x-slow">}. */
    private static void slowDown(Document doc) {
        Element speak = doc.getDocumentElement();
        String ns = speak.getNamespaceURI();
        Element prosody = ns == null ? doc.createElement("prosody") : doc.createElementNS(ns, "prosody");
        prosody.setAttribute("rate", "x-slow");
        while (speak.getFirstChild() != null) {
            prosody.appendChild(speak.getFirstChild());
        }
        speak.appendChild(prosody);
    }

    private static Document parseSsml(String text) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setExpandEntityReferences(false);
            var builder = f.newDocumentBuilder();
            builder.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                    // not an error
                }

                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            Document doc = builder.parse(new InputSource(new StringReader(text)));
            String root = doc.getDocumentElement().getLocalName();
            if (!"speak".equals(root)) {
                throw new SynthesisException("SSML must have a <speak> root element, got <" + root + ">");
            }
            return doc;
        } catch (SAXException e) {
            throw new SynthesisException("invalid SSML: " + e.getMessage(), e);
        } catch (ParserConfigurationException | IOException e) {
            throw new SynthesisException("cannot parse SSML: " + e.getMessage(), e);
        }
    }

    /** Reads MaryTTS's PCM stream into a float clip. */
    static AudioClip toClip(AudioInputStream in) {
        AudioFormat f = in.getFormat();
        AudioFormat pcm16 = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, f.getSampleRate(), 16, f.getChannels(),
                2 * f.getChannels(), f.getSampleRate(), false);
        try (AudioInputStream src = matches(f, pcm16) ? in : AudioSystem.getAudioInputStream(pcm16, in)) {
            byte[] bytes = readFully(src);
            int channels = f.getChannels();
            int n = bytes.length / 2 / channels * channels;
            float[] samples = new float[n];
            for (int i = 0; i < n; i++) {
                int lo = bytes[2 * i] & 0xff;
                int hi = bytes[2 * i + 1];
                samples[i] = (short) ((hi << 8) | lo) / 32768f;
            }
            AudioClip clip = new AudioClip(samples, Math.round(f.getSampleRate()), channels);
            return clip.toMono();
        } catch (IOException | IllegalArgumentException e) {
            throw new SynthesisException("cannot read MaryTTS audio (" + f + "): " + e.getMessage(), e);
        }
    }

    private static boolean matches(AudioFormat f, AudioFormat pcm16) {
        return f.getEncoding().equals(AudioFormat.Encoding.PCM_SIGNED) && f.getSampleSizeInBits() == 16
                && !f.isBigEndian() && f.getFrameSize() == pcm16.getFrameSize();
    }

    /**
     * Reads to the end. {@link InputStream#readAllBytes()} is not used: MaryTTS's stream reports the
     * end early through it (measured: 16 KiB of a 236 KiB clip).
     */
    private static byte[] readFully(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 18);
        byte[] buf = new byte[1 << 16];
        int r;
        while ((r = in.read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    private static List<Voice> sortedVoices() {
        List<Voice> out = new ArrayList<>(Voice.getAvailableVoices());
        out.sort((a, b) -> a.getName().compareTo(b.getName()));
        return out;
    }

    private static List<String> installedVoices() {
        ensureStarted();
        return sortedVoices().stream().map(Voice::getName).toList();
    }

    private static String describeVoices() {
        List<String> out = new ArrayList<>();
        for (Voice v : sortedVoices()) {
            out.add(v.getName() + " (" + v.getLocale() + ")");
        }
        return out.toString();
    }

    /** Starts the MaryTTS singleton once per JVM; safe to call from several threads. */
    static void ensureStarted() {
        synchronized (STARTUP_LOCK) {
            int state = Mary.currentState();
            if (state == Mary.STATE_RUNNING) {
                return;
            }
            if (state == Mary.STATE_SHUTTING_DOWN) {
                throw new SynthesisException("MaryTTS is shutting down (the JVM is exiting)");
            }
            if (state == Mary.STATE_STARTING) {
                throw new SynthesisException("MaryTTS is being started outside s2s; create the synthesizer "
                        + "after that start-up has finished");
            }
            if (System.getProperty("log4j.logger.marytts") == null) {
                // Only matters when real log4j is on the class path: no file appender, warnings only.
                System.setProperty("log4j.logger.marytts", "WARN, stderr");
            }
            long t0 = System.nanoTime();
            try {
                Mary.startup(false);
            } catch (Exception e) {
                throw new SynthesisException("MaryTTS failed to start: " + e.getMessage(), e);
            }
            LOG.info("MaryTTS started in {} ms; voices: {}", (System.nanoTime() - t0) / 1_000_000, describeVoices());
        }
    }
}
