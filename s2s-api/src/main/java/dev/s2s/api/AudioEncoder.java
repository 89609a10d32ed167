package dev.s2s.api;

/**
 * Audio to a sequence of feature vectors (e.g. the Whisper encoder's hidden states, or a log-mel
 * front end). The first stage of the token path.
 */
public interface AudioEncoder extends AutoCloseable {

    /**
     * Encodes audio of any rate and channel count.
     *
     * @throws AudioFormatException for empty audio
     */
    EmbeddingSequence encode(AudioClip audio);

    /** Width of each output vector. */
    int dim();

    /** Output frames per second. */
    double framesPerSecond();

    /** Frees resources. Idempotent. */
    @Override
    void close();
}
