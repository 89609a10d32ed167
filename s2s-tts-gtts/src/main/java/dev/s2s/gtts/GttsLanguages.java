package dev.s2s.gtts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The languages Google Translate's text-to-speech speaks, as listed by gTTS 2.5 (the generated
 * main list plus the extra {@code zh} and {@code zh-TW} tags), and gTTS's fallbacks for deprecated
 * tags ({@code en-us} → {@code en}, {@code zh-cn} → {@code zh-CN}, ...). Thread-safe: immutable.
 */
public final class GttsLanguages {

    private static final Map<String, String> LANGUAGES = languages();
    private static final Map<String, String> DEPRECATED = deprecated();

    private GttsLanguages() {
    }

    private static Map<String, String> languages() {
        Map<String, String> m = new LinkedHashMap<>();
        String[][] main = {
            {"af", "Afrikaans"}, {"am", "Amharic"}, {"ar", "Arabic"}, {"bg", "Bulgarian"}, {"bn", "Bengali"},
            {"bs", "Bosnian"}, {"ca", "Catalan"}, {"cs", "Czech"}, {"cy", "Welsh"}, {"da", "Danish"},
            {"de", "German"}, {"el", "Greek"}, {"en", "English"}, {"es", "Spanish"}, {"et", "Estonian"},
            {"eu", "Basque"}, {"fi", "Finnish"}, {"fr", "French"}, {"gl", "Galician"}, {"gu", "Gujarati"},
            {"ha", "Hausa"}, {"hi", "Hindi"}, {"hr", "Croatian"}, {"hu", "Hungarian"}, {"id", "Indonesian"},
            {"is", "Icelandic"}, {"it", "Italian"}, {"iw", "Hebrew"}, {"ja", "Japanese"}, {"jw", "Javanese"},
            {"km", "Khmer"}, {"kn", "Kannada"}, {"ko", "Korean"}, {"la", "Latin"}, {"lt", "Lithuanian"},
            {"lv", "Latvian"}, {"ml", "Malayalam"}, {"mr", "Marathi"}, {"ms", "Malay"}, {"my", "Myanmar (Burmese)"},
            {"ne", "Nepali"}, {"nl", "Dutch"}, {"no", "Norwegian"}, {"pa", "Punjabi (Gurmukhi)"}, {"pl", "Polish"},
            {"pt", "Portuguese (Brazil)"}, {"pt-PT", "Portuguese (Portugal)"}, {"ro", "Romanian"}, {"ru", "Russian"},
            {"si", "Sinhala"}, {"sk", "Slovak"}, {"sq", "Albanian"}, {"sr", "Serbian"}, {"su", "Sundanese"},
            {"sv", "Swedish"}, {"sw", "Swahili"}, {"ta", "Tamil"}, {"te", "Telugu"}, {"th", "Thai"},
            {"tl", "Filipino"}, {"tr", "Turkish"}, {"uk", "Ukrainian"}, {"ur", "Urdu"}, {"vi", "Vietnamese"},
            {"yue", "Cantonese"}, {"zh-CN", "Chinese (Simplified)"}, {"zh-TW", "Chinese (Traditional)"},
        };
        for (String[] e : main) {
            m.put(e[0], e[1]);
        }
        // gTTS's extra languages: undocumented variants observed to work (they override the names).
        m.put("zh-TW", "Chinese (Mandarin/Taiwan)");
        m.put("zh", "Chinese (Mandarin)");
        return Map.copyOf(m);
    }

    private static Map<String, String> deprecated() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String tag : List.of("en-us", "en-ca", "en-uk", "en-gb", "en-au", "en-gh", "en-in", "en-ie", "en-nz",
                "en-ng", "en-ph", "en-za", "en-tz")) {
            m.put(tag, "en");
        }
        m.put("fr-ca", "fr");
        m.put("fr-fr", "fr");
        m.put("pt-br", "pt");
        m.put("pt-pt", "pt");
        m.put("es-es", "es");
        m.put("es-us", "es");
        m.put("zh-cn", "zh-CN");
        m.put("zh-tw", "zh-TW");
        return Map.copyOf(m);
    }

    /** The supported tags and their English names, e.g. {@code "en" -> "English"}. */
    public static Map<String, String> all() {
        return LANGUAGES;
    }

    /**
     * The tag to send for {@code lang}: a deprecated tag maps to its fallback (as gTTS does, so
     * {@code pt-pt} becomes {@code pt}), and the case is corrected ({@code ZH-tw} → {@code zh-TW});
     * {@code _} is accepted for {@code -}. Empty when Google does not list the language.
     */
    public static Optional<String> normalize(String lang) {
        if (lang == null || lang.isBlank()) {
            return Optional.empty();
        }
        String key = lang.trim().replace('_', '-').toLowerCase(Locale.ROOT);
        String fallback = DEPRECATED.get(key);
        if (fallback != null) {
            return Optional.of(fallback);
        }
        for (String tag : LANGUAGES.keySet()) {
            if (tag.toLowerCase(Locale.ROOT).equals(key)) {
                return Optional.of(tag);
            }
        }
        return Optional.empty();
    }

    /** True when {@code lang} is a tag gTTS would deprecate and map to a fallback. */
    public static boolean isDeprecated(String lang) {
        return lang != null && DEPRECATED.containsKey(lang.trim().replace('_', '-').toLowerCase(Locale.ROOT));
    }
}
