package dev.s2s.api;

/** SPI for speech recognizers. Register implementations in {@code META-INF/services/dev.s2s.api.SpeechRecognizerProvider}. */
public interface SpeechRecognizerProvider extends ComponentProvider<SpeechRecognizer> {
}
