package dev.s2s.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider registry: finds providers through {@link ServiceLoader} and creates components by
 * name, e.g. {@code S2s.recognizer("whisper", config)}.
 *
 * <p>An unknown name raises {@link ProviderNotFoundException} listing the installed names.
 * Providers are discovered once per type and class loader and cached; {@link #reload()} forgets
 * the cache. Thread-safe.
 */
public final class S2s {

    private static final Logger LOG = LoggerFactory.getLogger(S2s.class);

    /** The provider types, with the word used for them in messages. */
    private static final Map<Class<? extends Provider>, String> KINDS = kinds();

    private static final Map<Class<?>, List<? extends Provider>> CACHE = new ConcurrentHashMap<>();

    private S2s() {
    }

    private static Map<Class<? extends Provider>, String> kinds() {
        Map<Class<? extends Provider>, String> m = new LinkedHashMap<>();
        m.put(SpeechRecognizerProvider.class, "recognizer");
        m.put(AudioEncoderProvider.class, "audio encoder");
        m.put(EmbeddingProjectorProvider.class, "projector");
        m.put(TokenSnapperProvider.class, "snapper");
        m.put(LanguageModelProvider.class, "language model");
        m.put(SpeechSynthesizerProvider.class, "synthesizer");
        return m;
    }

    /** Creates a speech recognizer. */
    public static SpeechRecognizer recognizer(String name, ProviderConfig config) {
        return provider(SpeechRecognizerProvider.class, name).create(config);
    }

    /** Creates an audio encoder. */
    public static AudioEncoder audioEncoder(String name, ProviderConfig config) {
        return provider(AudioEncoderProvider.class, name).create(config);
    }

    /** Creates an embedding projector. */
    public static EmbeddingProjector projector(String name, ProviderConfig config) {
        return provider(EmbeddingProjectorProvider.class, name).create(config);
    }

    /** Creates a token snapper over {@code matrix}. */
    public static TokenSnapper snapper(String name, TokenMatrix matrix, ProviderConfig config) {
        return provider(TokenSnapperProvider.class, name).create(matrix, config);
    }

    /** Creates a language model. */
    public static LanguageModel languageModel(String name, ProviderConfig config) {
        return provider(LanguageModelProvider.class, name).create(config);
    }

    /** Creates a speech synthesizer. */
    public static SpeechSynthesizer synthesizer(String name, ProviderConfig config) {
        return provider(SpeechSynthesizerProvider.class, name).create(config);
    }

    /** The provider of {@code type} called {@code name} (case-insensitive). */
    public static <P extends Provider> P provider(Class<P> type, String name) {
        if (name == null || name.isBlank()) {
            throw new ProviderNotFoundException("no " + kind(type) + " provider named; installed: " + names(type));
        }
        for (P p : providers(type)) {
            if (p.name().equalsIgnoreCase(name.trim())) {
                return p;
            }
        }
        throw new ProviderNotFoundException("unknown " + kind(type) + " provider '" + name + "'; installed: "
                + (names(type).isEmpty() ? "none (add a provider module to the classpath)" : names(type)));
    }

    /** All providers of {@code type}, in discovery order, one per name. */
    @SuppressWarnings("unchecked")
    public static <P extends Provider> List<P> providers(Class<P> type) {
        return (List<P>) CACHE.computeIfAbsent(type, t -> discover(type));
    }

    /** The names of the installed providers of {@code type}. */
    public static List<String> names(Class<? extends Provider> type) {
        return providers(type).stream().map(Provider::name).toList();
    }

    /** Every installed provider name, by kind ("recognizer", "language model", ...). */
    public static Map<String, List<String>> installed() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        KINDS.forEach((type, word) -> out.put(word, names(type)));
        return out;
    }

    /** Forgets discovered providers, e.g. after the class path changed. */
    public static void reload() {
        CACHE.clear();
    }

    private static String kind(Class<?> type) {
        return KINDS.getOrDefault(type, type.getSimpleName());
    }

    private static <P extends Provider> List<P> discover(Class<P> type) {
        List<P> found = new ArrayList<>();
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        ServiceLoader<P> loader = cl == null ? ServiceLoader.load(type) : ServiceLoader.load(type, cl);
        for (ServiceLoader.Provider<P> sp : loader.stream().toList()) {
            P p;
            try {
                p = sp.get();
            } catch (java.util.ServiceConfigurationError e) {
                LOG.warn("skipping {} provider {}: {}", kind(type), sp.type().getName(), e.getMessage());
                continue;
            }
            boolean duplicate = found.stream().anyMatch(q -> q.name().equalsIgnoreCase(p.name()));
            if (duplicate) {
                LOG.warn("ignoring second {} provider named '{}' ({})", kind(type), p.name(), p.getClass().getName());
            } else {
                found.add(p);
            }
        }
        return List.copyOf(found);
    }
}
