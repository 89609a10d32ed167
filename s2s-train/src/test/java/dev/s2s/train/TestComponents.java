package dev.s2s.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import dev.s2s.api.AudioClip;
import dev.s2s.api.AudioEncoder;
import dev.s2s.api.AudioFormatException;
import dev.s2s.api.CancellationToken;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.Generation;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.Prompt;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.StopReason;
import dev.s2s.api.SynthesisOptions;
import dev.s2s.api.TokenListener;
import dev.s2s.api.TokenMatrix;
import dev.s2s.api.Vocabulary;

/**
 * Test doubles standing in for providers that live in other modules: a word-level "language
 * model" over a fixed word list, a synthesizer that speaks each word as a tone, and a filter-bank
 * encoder. They make the data path testable end to end without model files.
 */
final class TestComponents {

    static final List<String> WORDS = List.of("<unk>", "the", "cat", "sat", "on", "a", "mat", "dog", "ran", "to",
            "big", "red", "ball", "sun", "was", "hot");

    private TestComponents() {
    }

    /** Word-level tokenizer and a random token matrix; "generates" canned sentences by seed. */
    static final class WordModel implements LanguageModel {
        private final TokenMatrix matrix;

        WordModel(int dim) {
            Random r = new Random(17);
            float[] m = new float[WORDS.size() * dim];
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) r.nextGaussian();
            }
            matrix = TokenMatrix.ofFloats(m, WORDS.size(), dim, Vocabulary.of(WORDS));
        }

        @Override
        public Generation generate(Prompt prompt, GenerationOptions options, TokenListener listener,
                CancellationToken cancel) {
            Random r = new Random(options.seed());
            StringBuilder sb = new StringBuilder();
            for (int s = 0; s < 3; s++) {
                int n = 3 + r.nextInt(3);
                for (int i = 0; i < n; i++) {
                    sb.append(' ').append(WORDS.get(1 + r.nextInt(WORDS.size() - 1)));
                }
                sb.append('.');
            }
            sb.append(" the cat"); // cut off by the token limit
            return new Generation(sb.toString(), new int[0], StopReason.MAX_TOKENS, 0, java.time.Duration.ZERO,
                    java.time.Duration.ZERO, 0);
        }

        @Override
        public int[] tokenize(String text) {
            List<Integer> ids = new ArrayList<>();
            for (String w : text.toLowerCase().replaceAll("[^a-z ]", " ").trim().split("\\s+")) {
                if (!w.isEmpty()) {
                    int i = WORDS.indexOf(w);
                    ids.add(i < 0 ? 0 : i);
                }
            }
            return ids.stream().mapToInt(Integer::intValue).toArray();
        }

        @Override
        public String detokenize(int[] tokens) {
            StringBuilder sb = new StringBuilder();
            for (int t : tokens) {
                sb.append(' ').append(WORDS.get(t));
            }
            return sb.toString();
        }

        @Override
        public TokenMatrix tokenEmbeddings() {
            return matrix;
        }

        @Override
        public Set<Prompt.Kind> supportedPrompts() {
            return Set.of(Prompt.Kind.TEXT, Prompt.Kind.TOKENS);
        }

        @Override
        public void close() {
        }
    }

    /** Speaks each word as a tone (pitch by word, shifted by the voice) at 22.05 kHz. */
    static final class ToneVoice implements SpeechSynthesizer {
        private final WordModel words = new WordModel(4);
        int calls;

        @Override
        public AudioClip synthesize(String text, SynthesisOptions options) {
            calls++;
            double shift = "high".equals(options.voice()) ? 1.06 : 1.0;
            int rate = 22050;
            List<Float> s = new ArrayList<>();
            for (int id : words.tokenize(text)) {
                double f = 250.0 * (1 + id * 0.25) * shift;
                for (int i = 0; i < rate / 4; i++) {
                    s.add((float) (0.5 * Math.sin(2 * Math.PI * f * i / rate)));
                }
                for (int i = 0; i < rate / 20; i++) {
                    s.add(0f);
                }
            }
            float[] a = new float[s.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = s.get(i);
            }
            return AudioClip.mono(a, rate);
        }

        @Override
        public List<String> voices() {
            return List.of("low", "high");
        }

        @Override
        public void close() {
        }
    }

    /** Log energies of 24 Goertzel bands over 20 ms frames of 16 kHz audio: 50 frames/s. */
    static final class BandEncoder implements AudioEncoder {
        @Override
        public EmbeddingSequence encode(AudioClip audio) {
            if (audio.isEmpty()) {
                throw new AudioFormatException("empty audio");
            }
            AudioClip a = audio.toMono(16000);
            float[] x = a.samples();
            int hop = 320;
            int frames = x.length / hop;
            float[] out = new float[frames * dim()];
            for (int t = 0; t < frames; t++) {
                for (int b = 0; b < dim(); b++) {
                    double f = 200.0 * Math.pow(2, b / 5.0);
                    double w = 2 * Math.cos(2 * Math.PI * f / 16000);
                    double s1 = 0;
                    double s2 = 0;
                    for (int i = 0; i < hop; i++) {
                        double s0 = x[t * hop + i] + w * s1 - s2;
                        s2 = s1;
                        s1 = s0;
                    }
                    out[t * dim() + b] = (float) Math.log(1e-6 + s1 * s1 + s2 * s2 - w * s1 * s2);
                }
            }
            return new EmbeddingSequence(out, frames, dim(), framesPerSecond());
        }

        @Override
        public int dim() {
            return 24;
        }

        @Override
        public double framesPerSecond() {
            return 50;
        }

        @Override
        public void close() {
        }
    }
}
