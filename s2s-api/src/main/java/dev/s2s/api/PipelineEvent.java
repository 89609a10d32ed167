package dev.s2s.api;

import java.time.Duration;

/**
 * What a streaming {@link SpeechPipeline} reports as it goes. Every event carries {@code at}: the
 * time since the turn started. Events of one turn arrive in order, on pipeline threads.
 */
public sealed interface PipelineEvent {

    /** Time since the turn started. */
    Duration at();

    /** @param transcript what was heard @param at time since start */
    record Recognized(Transcript transcript, Duration at) implements PipelineEvent {
    }

    /** @param snap the snapped tokens @param text their text @param at time since start */
    record Snapped(SnapResult snap, String text, Duration at) implements PipelineEvent {
    }

    /** @param at time since start of the first generated token */
    record FirstToken(Duration at) implements PipelineEvent {
    }

    /** @param piece one generated piece of text @param at time since start */
    record Token(String piece, Duration at) implements PipelineEvent {
    }

    /** @param audio a synthesized chunk @param text what it says @param index 0-based chunk number @param at time since start */
    record AudioChunk(AudioClip audio, String text, int index, Duration at) implements PipelineEvent {
    }

    /** @param reply the whole turn @param at time since start */
    record Done(Reply reply, Duration at) implements PipelineEvent {
    }
}
