/**
 * s2s gTTS: a {@link dev.s2s.api.SpeechSynthesizer} over Google Translate's text-to-speech
 * endpoint, speaking the protocol of the Python gTTS 2.5 library.
 */
module dev.s2s.gtts {
    requires dev.s2s.api;
    requires java.net.http;
    requires org.slf4j;
    requires jlayer;

    exports dev.s2s.gtts;

    provides dev.s2s.api.SpeechSynthesizerProvider with dev.s2s.gtts.GttsProvider;
}
