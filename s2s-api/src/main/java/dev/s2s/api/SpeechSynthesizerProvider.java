package dev.s2s.api;

/** SPI for speech synthesizers. Register implementations in {@code META-INF/services/dev.s2s.api.SpeechSynthesizerProvider}. */
public interface SpeechSynthesizerProvider extends ComponentProvider<SpeechSynthesizer> {
}
