package dev.s2s.api.testproviders;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.s2s.api.AudioClip;
import dev.s2s.api.AudioEncoder;
import dev.s2s.api.AudioEncoderProvider;
import dev.s2s.api.CancellationToken;
import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.EmbeddingProjectorProvider;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.Generation;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.LanguageModelProvider;
import dev.s2s.api.Prompt;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.RecognitionOptions;
import dev.s2s.api.Segment;
import dev.s2s.api.SnapOptions;
import dev.s2s.api.SnapResult;
import dev.s2s.api.SpeechRecognizer;
import dev.s2s.api.SpeechRecognizerProvider;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SpeechSynthesizerProvider;
import dev.s2s.api.StopReason;
import dev.s2s.api.SynthesisOptions;
import dev.s2s.api.TokenListener;
import dev.s2s.api.TokenMatrix;
import dev.s2s.api.TokenSnapper;
import dev.s2s.api.TokenSnapperProvider;
import dev.s2s.api.Transcript;
import dev.s2s.api.Vocabulary;

/**
 * Test doubles registered through test-scope META-INF/services, to prove discovery and the
 * pipeline end to end without native models. Deterministic and thread-safe.
 */
public final class TestProviders {

    /** Words of the test vocabulary: token id = index. */
    public static final List<String> WORDS = List.of("<s>", "</s>", "hello", "there", "you", "said", "one", "two",
            "three", "four", "five", "six", "seven", "eight", "nine", "ten");

    /** Calls to every close(), for ownership tests. */
    public static final AtomicInteger CLOSED = new AtomicInteger();

    /** Set when a component was called on a virtual thread (the pipeline must prevent that). */
    public static final java.util.concurrent.atomic.AtomicBoolean SAW_VIRTUAL_THREAD =
            new java.util.concurrent.atomic.AtomicBoolean();

    private static void noteThread() {
        if (Thread.currentThread().isVirtual()) {
            SAW_VIRTUAL_THREAD.set(true);
        }
    }

    private TestProviders() {
    }

    /** A 16 × 16 identity token matrix over {@link #WORDS}. */
    public static TokenMatrix identityMatrix() {
        int v = WORDS.size();
        float[] m = new float[v * v];
        for (int i = 0; i < v; i++) {
            m[i * v + i] = 1f;
        }
        return TokenMatrix.ofFloats(m, v, v, new Vocabulary(WORDS, new float[0], new int[0], 0, 1, -1, -1));
    }

    /** "test-echo": hears the configured phrase, or nothing in silent audio. */
    public static final class EchoRecognizerProvider implements SpeechRecognizerProvider {
        @Override
        public String name() {
            return "test-echo";
        }

        @Override
        public SpeechRecognizer create(ProviderConfig config) {
            String phrase = config.string("phrase", "hello there");
            return new SpeechRecognizer() {
                @Override
                public Transcript transcribe(AudioClip audio, RecognitionOptions options) {
                    noteThread();
                    if (audio.isEmpty()) {
                        throw new dev.s2s.api.AudioFormatException("audio is empty");
                    }
                    if (audio.peak() == 0) {
                        return new Transcript("", "en", List.of());
                    }
                    return new Transcript(phrase, "en",
                            List.of(new Segment(phrase, java.time.Duration.ZERO, audio.duration())));
                }

                @Override
                public void close() {
                    CLOSED.incrementAndGet();
                }
            };
        }
    }

    /**
     * "test-lm": answers "you said" followed by the prompt's words (or token words), one token at a
     * time, optionally sleeping between tokens; "fail": true makes generate throw.
     */
    public static final class EchoLanguageModelProvider implements LanguageModelProvider {
        @Override
        public String name() {
            return "test-lm";
        }

        @Override
        public LanguageModel create(ProviderConfig config) {
            return new EchoLanguageModel(config.integer("tokenDelayMs", 0), config.bool("fail", false));
        }
    }

    /** The model behind "test-lm". */
    public static final class EchoLanguageModel implements LanguageModel {
        private final int delayMs;
        private final boolean fail;

        EchoLanguageModel(int delayMs, boolean fail) {
            this.delayMs = delayMs;
            this.fail = fail;
        }

        @Override
        public Generation generate(Prompt prompt, GenerationOptions options, TokenListener listener,
                CancellationToken cancel) {
            checkPrompt(prompt);
            noteThread();
            if (fail) {
                throw new dev.s2s.api.GenerationException("model exploded");
            }
            String input = switch (prompt) {
                case Prompt.Text t -> t.text();
                case Prompt.Chat c -> c.messages().getLast().content() + " (" + c.messages().size() + " messages)";
                case Prompt.Tokens t -> detokenize(t.ids());
                case Prompt.Embeddings e -> "embeddings " + e.embeddings().frames();
                case Prompt.Mixed m -> "mixed " + m.parts().size();
            };
            String[] words = ("you said " + input + ". That is all. Goodbye!").split(" ");
            StringBuilder text = new StringBuilder();
            List<Integer> ids = new ArrayList<>();
            StopReason reason = StopReason.END_OF_SEQUENCE;
            for (int i = 0; i < words.length; i++) {
                if (cancel.isCancelled()) {
                    reason = StopReason.CANCELLED;
                    break;
                }
                if (i >= options.maxTokens()) {
                    reason = StopReason.MAX_TOKENS;
                    break;
                }
                String piece = (i == 0 ? "" : " ") + words[i];
                int id = Math.max(0, WORDS.indexOf(words[i]));
                text.append(piece);
                ids.add(id);
                listener.onToken(id, piece);
                if (delayMs > 0) {
                    try {
                        Thread.sleep(delayMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        reason = StopReason.CANCELLED;
                        break;
                    }
                }
            }
            return new Generation(text.toString(), ids.stream().mapToInt(Integer::intValue).toArray(), reason, 1,
                    java.time.Duration.ZERO, java.time.Duration.ZERO, 0);
        }

        @Override
        public int[] tokenize(String text) {
            return Arrays.stream(text.trim().split("\\s+")).mapToInt(w -> Math.max(0, WORDS.indexOf(w))).toArray();
        }

        @Override
        public String detokenize(int[] tokens) {
            return String.join(" ", Arrays.stream(tokens).mapToObj(WORDS::get).toList());
        }

        @Override
        public TokenMatrix tokenEmbeddings() {
            return identityMatrix();
        }

        @Override
        public Set<Prompt.Kind> supportedPrompts() {
            return EnumSet.allOf(Prompt.Kind.class);
        }

        @Override
        public void close() {
            CLOSED.incrementAndGet();
        }
    }

    /** "test-tone": 100 ms of a 440 Hz tone per word at 16 kHz; "maxChunkChars" is configurable. */
    public static final class ToneSynthesizerProvider implements SpeechSynthesizerProvider {
        @Override
        public String name() {
            return "test-tone";
        }

        @Override
        public SpeechSynthesizer create(ProviderConfig config) {
            int max = config.integer("maxChunkChars", 0);
            int delayMs = config.integer("delayMs", 0);
            return new SpeechSynthesizer() {
                @Override
                public AudioClip synthesize(String text, SynthesisOptions options) {
                    noteThread();
                    if (text.isBlank()) {
                        throw new dev.s2s.api.SynthesisException("nothing to say");
                    }
                    if (max > 0 && text.length() > max) {
                        throw new dev.s2s.api.SynthesisException("text longer than " + max + ": " + text);
                    }
                    if (delayMs > 0) {
                        try {
                            Thread.sleep(delayMs);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    int n = text.trim().split("\\s+").length * 1600;
                    float[] s = new float[n];
                    for (int i = 0; i < n; i++) {
                        s[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / 16000.0));
                    }
                    return AudioClip.mono(s, 16000);
                }

                @Override
                public int maxChunkChars() {
                    return max;
                }

                @Override
                public List<String> voices() {
                    return List.of("tone");
                }

                @Override
                public void close() {
                    CLOSED.incrementAndGet();
                }
            };
        }
    }

    /** "test-frames": one 16-d vector per 100 ms; vector t is one-hot at word 2 + (t mod 3). */
    public static final class FrameEncoderProvider implements AudioEncoderProvider {
        @Override
        public String name() {
            return "test-frames";
        }

        @Override
        public AudioEncoder create(ProviderConfig config) {
            return new AudioEncoder() {
                @Override
                public EmbeddingSequence encode(AudioClip audio) {
                    AudioClip a = audio.toMono();
                    int frames = Math.max(1, (int) (a.seconds() * 10));
                    float[] d = new float[frames * 16];
                    for (int t = 0; t < frames; t++) {
                        d[t * 16 + 2 + (t / 2) % 3] = 1f;
                    }
                    return new EmbeddingSequence(d, frames, 16, 10);
                }

                @Override
                public int dim() {
                    return 16;
                }

                @Override
                public double framesPerSecond() {
                    return 10;
                }

                @Override
                public void close() {
                    CLOSED.incrementAndGet();
                }
            };
        }
    }

    /** "test-identity": passes vectors through. */
    public static final class IdentityProjectorProvider implements EmbeddingProjectorProvider {
        @Override
        public String name() {
            return "test-identity";
        }

        @Override
        public EmbeddingProjector create(ProviderConfig config) {
            return new EmbeddingProjector() {
                @Override
                public EmbeddingSequence project(EmbeddingSequence audio) {
                    return audio;
                }

                @Override
                public int inputDim() {
                    return 16;
                }

                @Override
                public int outputDim() {
                    return 16;
                }

                @Override
                public void close() {
                    CLOSED.incrementAndGet();
                }
            };
        }
    }

    /** "test-argmax": brute-force inner-product top-1, collapsing repeats when asked. */
    public static final class ArgmaxSnapperProvider implements TokenSnapperProvider {
        @Override
        public String name() {
            return "test-argmax";
        }

        @Override
        public TokenSnapper create(TokenMatrix matrix, ProviderConfig config) {
            return new TokenSnapper() {
                @Override
                public SnapResult snap(EmbeddingSequence v, SnapOptions o) {
                    List<Integer> ids = new ArrayList<>();
                    List<Integer> frames = new ArrayList<>();
                    int[] top = new int[v.frames()];
                    float[] topScore = new float[v.frames()];
                    for (int t = 0; t < v.frames(); t++) {
                        int best = -1;
                        float bs = Float.NEGATIVE_INFINITY;
                        for (int r = 0; r < matrix.rows(); r++) {
                            float[] row = matrix.row(r);
                            float s = 0;
                            for (int d = 0; d < row.length; d++) {
                                s += row[d] * v.get(t, d);
                            }
                            if (s > bs) {
                                bs = s;
                                best = r;
                            }
                        }
                        top[t] = best;
                        topScore[t] = bs;
                        if (!(o.collapseRepeats() && t > 0 && top[t - 1] == best)) {
                            ids.add(best);
                            frames.add(t);
                        }
                    }
                    int n = ids.size();
                    return new SnapResult(ids.stream().mapToInt(Integer::intValue).toArray(), new float[n],
                            new float[n], frames.stream().mapToInt(Integer::intValue).toArray(), 1, top, topScore);
                }

                @Override
                public TokenMatrix matrix() {
                    return matrix;
                }

                @Override
                public void close() {
                    CLOSED.incrementAndGet();
                }
            };
        }
    }
}
