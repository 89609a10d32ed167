/**
 * s2s Whisper: the {@code "whisper"} speech recognizer over whisper-jni (whisper.cpp 1.7.1), and
 * the pure-Java Whisper encoder ({@code "whisper-encoder"}) and log-mel front end
 * ({@code "whisper-mel"}) as audio encoders.
 */
module dev.s2s.whisper {
    requires transitive dev.s2s.api;
    requires dev.s2s.formats;
    requires dev.s2s.kernels;
    requires org.slf4j;
    requires whisper.jni;
    requires com.sun.jna;

    exports dev.s2s.whisper;

    provides dev.s2s.api.SpeechRecognizerProvider with dev.s2s.whisper.WhisperRecognizerProvider;
    provides dev.s2s.api.AudioEncoderProvider with dev.s2s.whisper.WhisperEncoderProvider,
            dev.s2s.whisper.WhisperMelProvider;
}
