/**
 * The s2s API: values, the five component interfaces plus {@link dev.s2s.api.AudioEncoder}, the
 * provider SPI and registry ({@link dev.s2s.api.S2s}), audio I/O and the speech pipeline.
 */
module dev.s2s.api {
    requires transitive com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.s2s.api;

    uses dev.s2s.api.SpeechRecognizerProvider;
    uses dev.s2s.api.AudioEncoderProvider;
    uses dev.s2s.api.EmbeddingProjectorProvider;
    uses dev.s2s.api.TokenSnapperProvider;
    uses dev.s2s.api.LanguageModelProvider;
    uses dev.s2s.api.SpeechSynthesizerProvider;
}
