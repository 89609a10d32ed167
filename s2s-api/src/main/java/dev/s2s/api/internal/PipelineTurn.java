package dev.s2s.api.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.s2s.api.AudioClip;
import dev.s2s.api.AudioFormatException;
import dev.s2s.api.CancellationToken;
import dev.s2s.api.ChatMessage;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.Generation;
import dev.s2s.api.PipelineEvent;
import dev.s2s.api.PipelineException;
import dev.s2s.api.PipelineListener;
import dev.s2s.api.PipelineMethod;
import dev.s2s.api.Prompt;
import dev.s2s.api.Reply;
import dev.s2s.api.SentenceChunker;
import dev.s2s.api.SnapOptions;
import dev.s2s.api.SnapResult;
import dev.s2s.api.SpeechPipeline;
import dev.s2s.api.Stage;
import dev.s2s.api.StageTiming;
import dev.s2s.api.StopReason;
import dev.s2s.api.TokenListener;
import dev.s2s.api.Transcript;

/**
 * One turn of a {@link SpeechPipeline}: holds the per-turn state (start time, timings, the
 * chunker and the synthesis chain) so the pipeline itself stays stateless. Not API; used by one
 * caller thread plus the pipeline threads it starts, with events serialized on this object.
 */
public final class PipelineTurn {

    private static final int EMPTY_RATE = 16_000;

    private final SpeechPipeline.Settings s;
    private final StageRunner stages;
    private final PipelineListener listener;
    private final boolean streaming;
    private final CancellationToken cancel;
    private final long t0 = System.nanoTime();
    private final List<StageTiming> timings = new ArrayList<>();
    private long synthNanos;

    /**
     * @param settings  the pipeline's components and options
     * @param stages    the stage runner
     * @param listener  event sink
     * @param streaming overlap generation and synthesis
     * @param cancel    the caller's cancellation token
     */
    public PipelineTurn(SpeechPipeline.Settings settings, StageRunner stages, PipelineListener listener,
            boolean streaming, CancellationToken cancel) {
        this.s = settings;
        this.stages = stages;
        this.listener = listener;
        this.streaming = streaming;
        this.cancel = cancel.child();
    }

    /**
     * Runs the turn from {@code audio}, or from {@code text} when it is not null.
     *
     * @param chat use a chat prompt even without a system prompt (conversations)
     */
    public Reply run(AudioClip audio, String text, List<ChatMessage> history, boolean chat) {
        Transcript transcript = null;
        SnapResult snap = null;
        Prompt prompt;
        String input;
        if (text != null) {
            input = text;
            prompt = textPrompt(text, history, chat);
        } else if (s.method() == PipelineMethod.TEXT) {
            transcript = timed(Stage.RECOGNIZE, () -> {
                if (s.recognizer() == null) {
                    throw new IllegalStateException("no recognizer configured; use runText or add a recognizer");
                }
                return s.recognizer().transcribe(requireAudio(audio), s.recognitionOptions());
            });
            emit(new PipelineEvent.Recognized(transcript, since()));
            if (transcript.isEmpty()) {
                return noSpeech(transcript, null);
            }
            input = transcript.text().strip();
            prompt = textPrompt(input, history, chat);
        } else {
            EmbeddingSequence features = timed(Stage.ENCODE, () -> s.encoder().encode(requireAudio(audio)));
            EmbeddingSequence projected = timed(Stage.PROJECT, () -> s.projector().project(features));
            int bos = bos();
            if (s.soft()) {
                input = "";
                prompt = bos >= 0 ? Prompt.mixed(Prompt.tokens(bos), Prompt.embeddings(projected))
                        : Prompt.embeddings(projected);
            } else {
                SnapOptions options = s.snapOptions();
                if (options.blank() == null && s.projector().blank().isPresent()) {
                    options = options.toBuilder().blank(s.projector().blank().get()).build();
                }
                SnapOptions o = options;
                SnapResult r = timed(Stage.SNAP, () -> s.snapper().snap(projected, o));
                snap = r;
                int[] ids = r.tokens();
                input = ids.length == 0 ? "" : s.languageModel().detokenize(ids);
                emit(new PipelineEvent.Snapped(r, input, since()));
                if (ids.length == 0) {
                    return noSpeech(null, r);
                }
                prompt = Prompt.tokens(bos >= 0 ? prepend(bos, ids) : ids);
            }
        }
        return generateAndSpeak(prompt, input, transcript, snap);
    }

    private Reply generateAndSpeak(Prompt prompt, String input, Transcript transcript, SnapResult snap) {
        SentenceChunker chunker = SentenceChunker.builder().maxChars(s.synthesizer().maxChunkChars()).build();
        List<AudioClip> chunks = new ArrayList<>();
        CompletableFuture<?>[] chain = {CompletableFuture.completedFuture(null)};
        int[] chunkIndex = {0};
        boolean[] first = {true};
        TokenListener onToken = (id, piece) -> {
            if (first[0]) {
                first[0] = false;
                emit(new PipelineEvent.FirstToken(since()));
            }
            emit(new PipelineEvent.Token(piece, since()));
            if (streaming) {
                for (String sentence : chunker.accept(piece)) {
                    chain[0] = enqueue(chain[0], sentence, chunkIndex[0]++, chunks);
                }
            }
        };
        Generation gen = timed(Stage.GENERATE, () -> s.languageModel().generate(prompt, s.generationOptions(), onToken,
                cancel));
        if (gen.stopReason() == StopReason.CANCELLED) {
            throw new CancellationException("cancelled during generation");
        }
        String answer = gen.text().strip();
        if (streaming) {
            for (String sentence : chunker.flush()) {
                chain[0] = enqueue(chain[0], sentence, chunkIndex[0]++, chunks);
            }
            try {
                chain[0].join();
            } catch (CompletionException e) {
                throw StageRunner.wrap(Stage.SYNTHESIZE, e.getCause());
            }
            cancel.throwIfCancelled();
            record(Stage.SYNTHESIZE, synthNanos);
        } else {
            timed(Stage.SYNTHESIZE, () -> {
                List<String> pieces = new ArrayList<>();
                if (s.synthesizer().maxChunkChars() > 0) {
                    pieces.addAll(chunker.accept(answer));
                    pieces.addAll(chunker.flush());
                } else if (!answer.isBlank()) {
                    pieces.add(answer);
                }
                for (String piece : pieces) {
                    cancel.throwIfCancelled();
                    chunks.add(speak(piece));
                }
                return null;
            });
        }
        return finish(new Reply(join(chunks), transcript, snap, input, answer, gen, List.copyOf(timings), since()));
    }

    private CompletableFuture<?> enqueue(CompletableFuture<?> prev, String sentence, int index, List<AudioClip> out) {
        return prev.thenRunAsync(() -> {
            if (cancel.isCancelled()) {
                return;
            }
            long a = System.nanoTime();
            AudioClip clip = stages.run(Stage.SYNTHESIZE, cancel, () -> speak(sentence));
            synchronized (this) {
                synthNanos += System.nanoTime() - a;
                out.add(clip);
            }
            emit(new PipelineEvent.AudioChunk(clip, sentence, index, since()));
        }, stages.executor());
    }

    private AudioClip speak(String sentence) {
        return s.synthesizer().synthesize(sentence, s.synthesisOptions());
    }

    private Prompt textPrompt(String input, List<ChatMessage> history, boolean chat) {
        String content = s.promptTemplate() == null ? input : s.promptTemplate().replace("{input}", input);
        if (!chat && s.systemPrompt() == null && history.isEmpty()) {
            return Prompt.text(content);
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (s.systemPrompt() != null) {
            messages.add(ChatMessage.system(s.systemPrompt()));
        }
        messages.addAll(history);
        messages.add(ChatMessage.user(content));
        return Prompt.chat(messages);
    }

    private int bos() {
        if (!s.addBos()) {
            return -1;
        }
        var matrix = s.languageModel().tokenEmbeddings();
        return matrix.vocabulary() == null ? -1 : matrix.vocabulary().bos();
    }

    private static int[] prepend(int first, int[] ids) {
        int[] out = new int[ids.length + 1];
        out[0] = first;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    private static AudioClip requireAudio(AudioClip audio) {
        if (audio == null || audio.isEmpty()) {
            throw new AudioFormatException("audio is empty");
        }
        return audio;
    }

    private Reply noSpeech(Transcript transcript, SnapResult snap) {
        return finish(new Reply(AudioClip.mono(new float[0], EMPTY_RATE), transcript, snap, "", "", null,
                List.copyOf(timings), since()));
    }

    private Reply finish(Reply reply) {
        emit(new PipelineEvent.Done(reply, reply.total()));
        return reply;
    }

    private static AudioClip join(List<AudioClip> chunks) {
        if (chunks.isEmpty()) {
            return AudioClip.mono(new float[0], EMPTY_RATE);
        }
        AudioClip out = chunks.get(0).toMono();
        for (int i = 1; i < chunks.size(); i++) {
            out = out.append(chunks.get(i).toMono(out.sampleRate()));
        }
        return out;
    }

    private <T> T timed(Stage stage, java.util.concurrent.Callable<T> work) {
        long a = System.nanoTime();
        T result = stages.run(stage, cancel, work);
        record(stage, System.nanoTime() - a);
        return result;
    }

    private synchronized void record(Stage stage, long nanos) {
        timings.add(new StageTiming(stage, Duration.ofNanos(nanos)));
    }

    private synchronized void emit(PipelineEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            throw new PipelineException(stageOf(event), "pipeline listener failed: " + e.getMessage(), e);
        }
    }

    private static Stage stageOf(PipelineEvent e) {
        return switch (e) {
            case PipelineEvent.Recognized r -> Stage.RECOGNIZE;
            case PipelineEvent.Snapped r -> Stage.SNAP;
            case PipelineEvent.AudioChunk r -> Stage.SYNTHESIZE;
            default -> Stage.GENERATE;
        };
    }

    private Duration since() {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
