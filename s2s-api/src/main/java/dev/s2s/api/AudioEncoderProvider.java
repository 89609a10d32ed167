package dev.s2s.api;

/** SPI for audio encoders. Register implementations in {@code META-INF/services/dev.s2s.api.AudioEncoderProvider}. */
public interface AudioEncoderProvider extends ComponentProvider<AudioEncoder> {
}
