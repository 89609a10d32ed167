package dev.s2s.api;

/** SPI for language models. Register implementations in {@code META-INF/services/dev.s2s.api.LanguageModelProvider}. */
public interface LanguageModelProvider extends ComponentProvider<LanguageModel> {
}
