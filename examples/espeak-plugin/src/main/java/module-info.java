/**
 * An example s2s plugin, written as a third party would: a speech synthesizer over the system's
 * libespeak-ng (Debian {@code libespeak-ng1}) through JNA. Put its jar on the class path and
 * {@code S2s.synthesizer("espeak", config)} finds it.
 */
module dev.s2s.espeak {
    requires dev.s2s.api;
    requires com.sun.jna;
    requires org.slf4j;

    exports dev.s2s.espeak;
    // JNA implements the binding interface and calls the callback reflectively.
    opens dev.s2s.espeak.internal to com.sun.jna;

    provides dev.s2s.api.SpeechSynthesizerProvider with dev.s2s.espeak.EspeakProvider;
}
