package dev.s2s.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Multi-turn chat state over a {@link SpeechPipeline}: every turn is sent as a chat prompt with
 * the history so far (and the pipeline's system prompt), then the exchange is appended. The
 * language model must accept chat prompts.
 *
 * <p>Thread-safe: turns of one conversation are serialized, since each depends on the last.
 */
public final class Conversation {

    private final SpeechPipeline pipeline;
    private final List<ChatMessage> history = new ArrayList<>();

    Conversation(SpeechPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** One spoken turn. Nothing is added to the history when no speech was heard. */
    public synchronized Reply say(AudioClip audio) {
        return remember(pipeline.turn(audio, null, List.copyOf(history), true, PipelineListener.NONE, false,
                CancellationToken.none()));
    }

    /** One spoken turn, streaming. */
    public synchronized Reply say(AudioClip audio, PipelineListener listener, CancellationToken cancel) {
        return remember(pipeline.turn(audio, null, List.copyOf(history), true, listener, true, cancel));
    }

    /** One typed turn. */
    public synchronized Reply sayText(String text) {
        return remember(pipeline.turn(null, SpeechPipeline.requireText(text), List.copyOf(history), true,
                PipelineListener.NONE, false, CancellationToken.none()));
    }

    private Reply remember(Reply reply) {
        if (!reply.noSpeech()) {
            history.add(ChatMessage.user(reply.input()));
            history.add(ChatMessage.assistant(reply.answer()));
        }
        return reply;
    }

    /** The messages so far (without the system prompt). */
    public synchronized List<ChatMessage> history() {
        return List.copyOf(history);
    }

    /** Forgets the history. */
    public synchronized void clear() {
        history.clear();
    }
}
