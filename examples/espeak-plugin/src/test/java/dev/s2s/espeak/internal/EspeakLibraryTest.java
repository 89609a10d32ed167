package dev.s2s.espeak.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Choosing a voice for a language tag from the voice list (no library needed). */
class EspeakLibraryTest {

    private static final List<EspeakLibrary.VoiceInfo> VOICES = List.of(
            new EspeakLibrary.VoiceInfo("gmw/en-GB-x-rp", Map.of("en-gb-x-rp", 4, "en-gb", 4, "en", 5)),
            new EspeakLibrary.VoiceInfo("gmw/en", Map.of("en-gb", 2, "en", 2)),
            new EspeakLibrary.VoiceInfo("gmw/en-US", Map.of("en-us", 2, "en", 3)));

    @Test
    void theVoiceListingTheTagWithTheBestPriorityWins() {
        assertThat(EspeakLibrary.byLanguage(VOICES, "en-gb")).contains("gmw/en");
        assertThat(EspeakLibrary.byLanguage(VOICES, "EN_GB")).contains("gmw/en");
        assertThat(EspeakLibrary.byLanguage(VOICES, "en-US+f3")).contains("gmw/en-US+f3");
        assertThat(EspeakLibrary.byLanguage(VOICES, "en-gb-x-rp")).contains("gmw/en-GB-x-rp");
        assertThat(EspeakLibrary.byLanguage(VOICES, "fr")).isEmpty();
    }
}
