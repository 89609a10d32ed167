package dev.s2s.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.s2s.api.ConfigException;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SynthesisException;
import dev.s2s.api.SynthesisOptions;

/**
 * The voices of a dataset given as {@code synthesizer[:voice]} specs (e.g.
 * {@code marytts:cmu-slt-hsmm}, {@code espeak:en-us}), each synthesizer opened once through
 * {@link S2s#synthesizer}, so a plugin's voices work when its jar is on the class path. The spec
 * is the voice label written to the manifest. Each voice speaks a short probe sentence when opened,
 * so a voice its synthesizer lacks is reported at once. Closing closes the synthesizers. Not
 * thread-safe.
 */
public final class Voices implements AutoCloseable {

    private static final String PROBE = "Hello.";

    private final Map<String, SpeechSynthesizer> synthesizers;
    private final List<DatasetBuilder.Voice> voices;

    private Voices(Map<String, SpeechSynthesizer> synthesizers, List<DatasetBuilder.Voice> voices) {
        this.synthesizers = synthesizers;
        this.voices = List.copyOf(voices);
    }

    /**
     * Opens the synthesizers of {@code specs}.
     *
     * @throws ConfigException for an empty list or a malformed spec
     * @throws dev.s2s.api.ProviderNotFoundException for an unknown synthesizer provider
     */
    public static Voices open(List<String> specs) {
        if (specs == null || specs.isEmpty()) {
            throw new ConfigException("a dataset needs at least one voice (synthesizer[:voice])");
        }
        Map<String, SpeechSynthesizer> synths = new LinkedHashMap<>();
        List<DatasetBuilder.Voice> voices = new ArrayList<>();
        try {
            for (String spec : specs) {
                String v = spec.strip();
                String[] sv = v.split(":", 2);
                if (sv[0].isEmpty() || (sv.length > 1 && sv[1].isEmpty())) {
                    throw new ConfigException("bad voice '" + spec + "': expected synthesizer[:voice], e.g. "
                            + "marytts:cmu-slt-hsmm");
                }
                SpeechSynthesizer s = synths.get(sv[0]);
                if (s == null) {
                    s = S2s.synthesizer(sv[0], ProviderConfig.empty());
                    synths.put(sv[0], s);
                }
                SynthesisOptions options = SynthesisOptions.builder().voice(sv.length > 1 ? sv[1] : null).build();
                probe(v, s, options);
                voices.add(new DatasetBuilder.Voice(v, s, options));
            }
        } catch (RuntimeException e) {
            closeAll(synths.values(), e);
            throw e;
        }
        return new Voices(synths, voices);
    }

    /**
     * Speaks one short sentence so that a voice the synthesizer does not have fails here, once,
     * naming the spec, rather than once for every sentence of the dataset.
     */
    private static void probe(String spec, SpeechSynthesizer s, SynthesisOptions options) {
        try {
            if (s.synthesize(PROBE, options).frames() == 0) {
                throw new ConfigException("voice '" + spec + "' produced no audio for \"" + PROBE + "\"");
            }
        } catch (SynthesisException e) {
            throw new ConfigException("voice '" + spec + "' does not work: " + e.getMessage(), e);
        }
    }

    /** The voices, in the order given. */
    public List<DatasetBuilder.Voice> voices() {
        return voices;
    }

    /** Adds every voice to {@code builder}; returns it. */
    public DatasetBuilder.Builder addTo(DatasetBuilder.Builder builder) {
        for (DatasetBuilder.Voice v : voices) {
            builder.voice(v.label(), v.synthesizer(), v.options());
        }
        return builder;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (SpeechSynthesizer s : synthesizers.values()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void closeAll(Iterable<SpeechSynthesizer> all, RuntimeException cause) {
        for (SpeechSynthesizer s : all) {
            try {
                s.close();
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
