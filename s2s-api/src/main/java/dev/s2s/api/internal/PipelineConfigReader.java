package dev.s2s.api.internal;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.s2s.api.AudioEncoderProvider;
import dev.s2s.api.ComponentProvider;
import dev.s2s.api.ConfigException;
import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.Metric;
import dev.s2s.api.PipelineMethod;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.RecognitionOptions;
import dev.s2s.api.S2s;
import dev.s2s.api.SnapOptions;
import dev.s2s.api.SpeechPipeline;
import dev.s2s.api.SpeechRecognizer;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.Stage;
import dev.s2s.api.SynthesisOptions;
import dev.s2s.api.TokenSnapper;
import dev.s2s.api.TokenSnapperProvider;
import dev.s2s.api.Vocabulary;
import dev.s2s.api.AudioEncoder;
import dev.s2s.api.EmbeddingProjectorProvider;
import dev.s2s.api.LanguageModelProvider;
import dev.s2s.api.SpeechRecognizerProvider;
import dev.s2s.api.SpeechSynthesizerProvider;

/**
 * Reads a pipeline's JSON configuration into {@link SpeechPipeline.Settings}, creating every
 * component through {@link S2s}. Not API. Stateless.
 */
public final class PipelineConfigReader {

    private PipelineConfigReader() {
    }

    /**
     * Builds the settings; every component created is added to {@code created} (so the caller can
     * close them, also when a later step fails).
     */
    public static SpeechPipeline.Settings read(ProviderConfig config, List<AutoCloseable> created) {
        PipelineMethod method = enumValue(PipelineMethod.class, "method", config.string("method", "text"));
        boolean soft = config.bool("soft", false);

        ProviderConfig llmConfig = section(config, "llm");
        LanguageModel llm = create(LanguageModelProvider.class, llmConfig, created);
        ProviderConfig synthConfig = section(config, "synthesizer");
        SpeechSynthesizer synth = create(SpeechSynthesizerProvider.class, synthConfig, created);

        SpeechRecognizer recognizer = null;
        ProviderConfig recConfig = config.child("recognizer");
        AudioEncoder encoder = null;
        EmbeddingProjector projector = null;
        TokenSnapper snapper = null;
        ProviderConfig snapConfig = config.child("snapper");
        if (method == PipelineMethod.TEXT) {
            if (recConfig.has("provider")) {
                recognizer = create(SpeechRecognizerProvider.class, recConfig, created);
            }
        } else {
            encoder = create(AudioEncoderProvider.class, section(config, "encoder"), created);
            projector = create(EmbeddingProjectorProvider.class, section(config, "projector"), created);
            if (!soft) {
                ProviderConfig sc = section(config, "snapper");
                snapper = S2s.provider(TokenSnapperProvider.class, sc.requireString("provider"))
                        .create(llm.tokenEmbeddings(), sc);
                created.add(snapper);
            }
        }
        // Only a token pipeline needs the vocabulary; reading it may widen a large token matrix.
        Vocabulary vocab = method == PipelineMethod.TOKENS ? llm.tokenEmbeddings().vocabulary() : null;
        return new SpeechPipeline.Settings(method, soft, config.child("snapper").bool("addBos", true), recognizer,
                recognition(recConfig), encoder, projector, snapper, snap(snapConfig, vocab), llm, generation(llmConfig),
                llmConfig.string("system"), llmConfig.string("promptTemplate"), synth, synthesis(synthConfig),
                timeouts(config.child("timeouts")));
    }

    private static ProviderConfig section(ProviderConfig config, String name) {
        ProviderConfig c = config.child(name);
        if (!c.has("provider")) {
            throw new ConfigException("pipeline configuration: section '" + name + "' needs a \"provider\"");
        }
        return c;
    }

    private static <T extends AutoCloseable> T create(Class<? extends ComponentProvider<T>> type,
            ProviderConfig config, List<AutoCloseable> created) {
        T component = S2s.provider(type, config.provider()).create(config);
        created.add(component);
        return component;
    }

    /** Recognition options from a recognizer section. */
    public static RecognitionOptions recognition(ProviderConfig c) {
        RecognitionOptions d = RecognitionOptions.defaults();
        return RecognitionOptions.builder().language(c.string("language", d.language()))
                .translate(c.bool("translate", d.translate())).initialPrompt(c.string("initialPrompt"))
                .beamSize(c.integer("beamSize", d.beamSize()))
                .temperature((float) c.number("temperature", d.temperature()))
                .temperatureIncrement((float) c.number("temperatureIncrement", d.temperatureIncrement()))
                .noTimestamps(c.bool("noTimestamps", d.noTimestamps()))
                .singleSegment(c.bool("singleSegment", d.singleSegment())).threads(c.integer("threads", d.threads()))
                .build();
    }

    /** Generation options from a language-model section. */
    public static GenerationOptions generation(ProviderConfig c) {
        GenerationOptions d = GenerationOptions.defaults();
        try {
            return GenerationOptions.builder().maxTokens(c.integer("maxTokens", d.maxTokens()))
                    .temperature((float) c.number("temperature", d.temperature())).topK(c.integer("topK", d.topK()))
                    .topP((float) c.number("topP", d.topP())).minP((float) c.number("minP", d.minP()))
                    .repeatPenalty((float) c.number("repeatPenalty", d.repeatPenalty()))
                    .seed(c.longValue("seed", d.seed())).stop(c.strings("stop")).grammar(c.string("grammar"))
                    .jsonSchema(c.string("jsonSchema")).build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("llm: " + e.getMessage(), e);
        }
    }

    /** Synthesis options from a synthesizer section. */
    public static SynthesisOptions synthesis(ProviderConfig c) {
        return SynthesisOptions.builder().voice(c.string("voice")).language(c.string("language"))
                .slow(c.bool("slow", false)).ssml(c.bool("ssml", false)).build();
    }

    /**
     * Snap options from a snapper section: {@code metric}, {@code topK}, {@code collapseRepeats},
     * {@code exclude} (ids) and {@code excludeSpecial} (control, byte and unused tokens of
     * {@code vocab}).
     */
    public static SnapOptions snap(ProviderConfig c, Vocabulary vocab) {
        int[] excluded = c.strings("exclude").stream().mapToInt(v -> {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException("snapper: 'exclude' must list token ids, got " + v);
            }
        }).toArray();
        if (c.bool("excludeSpecial", false) && vocab != null) {
            int[] special = vocab.idsOfType(Vocabulary.CONTROL, Vocabulary.BYTE, Vocabulary.UNUSED, Vocabulary.UNKNOWN);
            int[] all = new int[excluded.length + special.length];
            System.arraycopy(excluded, 0, all, 0, excluded.length);
            System.arraycopy(special, 0, all, excluded.length, special.length);
            excluded = all;
        }
        try {
            return SnapOptions.builder().metric(enumValue(Metric.class, "metric", c.string("metric", "cosine")))
                    .topK(c.integer("topK", 1)).collapseRepeats(c.bool("collapseRepeats", true)).exclude(excluded)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("snapper: " + e.getMessage(), e);
        }
    }

    private static Map<Stage, Duration> timeouts(ProviderConfig c) {
        Map<Stage, Duration> out = new EnumMap<>(Stage.class);
        for (String key : c.keys()) {
            Stage stage = enumValue(Stage.class, "timeouts", key);
            double seconds = c.number(key, 0);
            if (!(seconds > 0)) {
                throw new ConfigException("timeouts: '" + key + "' must be a positive number of seconds");
            }
            out.put(stage, Duration.ofNanos((long) (seconds * 1e9)));
        }
        return out;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String key, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("'" + key + "' must be one of " + java.util.Arrays.toString(type.getEnumConstants())
                    .toLowerCase(Locale.ROOT) + ", got '" + value + "'");
        }
    }
}
