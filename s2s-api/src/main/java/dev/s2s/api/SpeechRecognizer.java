package dev.s2s.api;

/**
 * Speech to text. Implementations state whether they are thread-safe; the bundled "whisper"
 * provider is.
 */
public interface SpeechRecognizer extends AutoCloseable {

    /**
     * Transcribes speech. Audio of any rate and channel count is accepted; providers resample.
     *
     * @throws AudioFormatException for empty audio
     * @throws RecognitionException when recognition fails
     */
    Transcript transcribe(AudioClip audio, RecognitionOptions options);

    /** Transcribes with default options. */
    default Transcript transcribe(AudioClip audio) {
        return transcribe(audio, RecognitionOptions.defaults());
    }

    /** Frees native resources. Idempotent. */
    @Override
    void close();
}
