/**
 * s2s training: builds speech datasets through the provider SPI and trains the audio-to-token
 * projector with CTC against a language model's frozen token embeddings, in pure Java on the
 * {@code s2s-kernels} matmuls. See {@link dev.s2s.train.ProjectorTrainer}.
 */
module dev.s2s.train {
    requires transitive dev.s2s.api;
    requires dev.s2s.kernels;
    requires dev.s2s.formats;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;
    requires org.knowm.xchart;
    requires java.desktop;

    exports dev.s2s.train;
}
