package dev.s2s.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The result of one {@link SpeechPipeline} turn: the speech out and everything in between.
 *
 * @param audio      the spoken reply (an empty clip when nothing was heard)
 * @param transcript what the recognizer heard (text method), or {@code null}
 * @param snap       what the snapper produced (token method), or {@code null}
 * @param input      the text given to the language model: the transcript, or the detokenized
 *                   snapped tokens (empty for a soft embedding prompt)
 * @param answer     the language model's reply text
 * @param generation the language model's full result, or {@code null} when nothing was heard
 * @param timings    per-stage timings, in the order the stages ran
 * @param total      the whole turn
 */
public record Reply(AudioClip audio, Transcript transcript, SnapResult snap, String input, String answer,
        Generation generation, List<StageTiming> timings, Duration total) {

    /** Copies. */
    public Reply {
        timings = List.copyOf(timings);
    }

    /** True when the recognizer heard no speech, so no reply was generated. */
    public boolean noSpeech() {
        return generation == null;
    }

    /** The time a stage took, if it ran. */
    public Optional<Duration> timing(Stage stage) {
        return timings.stream().filter(t -> t.stage() == stage).map(StageTiming::time).findFirst();
    }
}
