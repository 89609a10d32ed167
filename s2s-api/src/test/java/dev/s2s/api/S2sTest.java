package dev.s2s.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.s2s.api.testproviders.TestProviders;

class S2sTest {

    @Test
    void discoversTestProvidersOfEveryKind() {
        assertThat(S2s.installed()).containsEntry("recognizer", java.util.List.of("test-echo"))
                .containsEntry("language model", java.util.List.of("test-lm"))
                .containsEntry("synthesizer", java.util.List.of("test-tone"))
                .containsEntry("audio encoder", java.util.List.of("test-frames"))
                .containsEntry("projector", java.util.List.of("test-identity"))
                .containsEntry("snapper", java.util.List.of("test-argmax"));
    }

    @Test
    void createsByNameCaseInsensitively() {
        try (SpeechSynthesizer s = S2s.synthesizer("TEST-TONE", ProviderConfig.empty())) {
            assertThat(s.synthesize("two words").frames()).isEqualTo(3200);
        }
        try (TokenSnapper s = S2s.snapper("test-argmax", TestProviders.identityMatrix(), ProviderConfig.empty())) {
            assertThat(s.matrix().rows()).isEqualTo(16);
        }
    }

    @Test
    void unknownNameListsInstalledProviders() {
        assertThatThrownBy(() -> S2s.recognizer("whisperx", ProviderConfig.empty()))
                .isInstanceOf(ProviderNotFoundException.class)
                .hasMessageContaining("unknown recognizer provider 'whisperx'")
                .hasMessageContaining("test-echo");
        assertThatThrownBy(() -> S2s.languageModel(null, ProviderConfig.empty()))
                .isInstanceOf(ProviderNotFoundException.class).hasMessageContaining("test-lm");
    }

    @Test
    void reloadRediscovers() {
        S2s.reload();
        assertThat(S2s.names(LanguageModelProvider.class)).containsExactly("test-lm");
    }
}
