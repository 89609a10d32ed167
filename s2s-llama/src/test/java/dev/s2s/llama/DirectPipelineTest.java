package dev.s2s.llama;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.s2s.api.AudioClip;
import dev.s2s.api.AudioEncoder;
import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.PipelineMethod;
import dev.s2s.api.Reply;
import dev.s2s.api.SnapOptions;
import dev.s2s.api.SnapResult;
import dev.s2s.api.SpeechPipeline;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SynthesisOptions;
import dev.s2s.api.TokenMatrix;
import dev.s2s.api.TokenSnapper;
import dev.s2s.testkit.TestData;

/**
 * The token method's "soft" route (projected vectors fed straight in as embeddings) against the
 * snapped route, on stories260K with llama-direct. The audio encoder, projector, snapper and
 * synthesizer are test doubles (the real ones live in other modules): the "encoder" emits the
 * token embeddings of a known sentence, the projector is the identity, the snapper is an exact
 * nearest-row search and the synthesizer returns silence.
 */
class DirectPipelineTest {

    @Test
    void softRouteEqualsSnappedRoute() {
        Path stories = TestData.model("stories260K.gguf");
        try (LlamaDirectModel lm = LlamaDirectModel.open(
                LlamaSettings.builder(stories).threads(1).batchThreads(1).contextSize(256).build())) {
            TokenMatrix m = lm.tokenEmbeddings();
            int[] sentence = lm.tokenize("Once upon a time");
            float[] rows = new float[sentence.length * m.dim()];
            for (int i = 0; i < sentence.length; i++) {
                m.rowInto(sentence[i], rows, i * m.dim());
            }
            EmbeddingSequence features = new EmbeddingSequence(rows, sentence.length, m.dim(), 12.5);
            GenerationOptions greedy = GenerationOptions.builder().maxTokens(30).temperature(0).build();
            AudioClip audio = AudioClip.silence(Duration.ofMillis(400), 16_000);

            Reply soft;
            Reply snapped;
            try (SpeechPipeline p = pipeline(lm, features, m, greedy, true)) {
                soft = p.run(audio);
            }
            try (SpeechPipeline p = pipeline(lm, features, m, greedy, false)) {
                snapped = p.run(audio);
            }
            assertThat(snapped.snap().tokens()).containsExactly(sentence);
            assertThat(soft.snap()).isNull();
            assertThat(soft.generation().tokens()).containsExactly(snapped.generation().tokens());
            assertThat(soft.answer()).isEqualTo(snapped.answer())
                    .isEqualTo(", there was a little girl named Lily. She loved to play outside in the park. One day,");
            // the soft prompt had one position per frame plus BOS
            assertThat(soft.generation().promptTokens()).isEqualTo(sentence.length + 1);
        }
    }

    private static SpeechPipeline pipeline(LlamaDirectModel lm, EmbeddingSequence features, TokenMatrix m,
            GenerationOptions options, boolean soft) {
        SpeechPipeline.Builder b = SpeechPipeline.builder().method(PipelineMethod.TOKENS).soft(soft)
                .audioEncoder(new FixedEncoder(features)).projector(new Identity(features.dim()))
                .languageModel(lm).generationOptions(options).synthesizer(new Silence());
        if (!soft) {
            b.snapper(new NearestRow(m));
        }
        return b.build();
    }

    /** Emits fixed features whatever the audio. */
    record FixedEncoder(EmbeddingSequence features) implements AudioEncoder {
        @Override
        public EmbeddingSequence encode(AudioClip audio) {
            return features;
        }

        @Override
        public int dim() {
            return features.dim();
        }

        @Override
        public double framesPerSecond() {
            return features.framesPerSecond();
        }

        @Override
        public void close() {
        }
    }

    /** The identity projection. */
    record Identity(int dim) implements EmbeddingProjector {
        @Override
        public EmbeddingSequence project(EmbeddingSequence audio) {
            return audio;
        }

        @Override
        public int inputDim() {
            return dim;
        }

        @Override
        public int outputDim() {
            return dim;
        }

        @Override
        public void close() {
        }
    }

    /** Exact nearest row by squared L2 distance, one token per frame. */
    record NearestRow(TokenMatrix matrix) implements TokenSnapper {
        @Override
        public SnapResult snap(EmbeddingSequence v, SnapOptions options) {
            int n = v.frames();
            int[] ids = new int[n];
            float[] scores = new float[n];
            int[] frames = new int[n];
            float[] row = new float[matrix.dim()];
            for (int t = 0; t < n; t++) {
                float best = Float.MAX_VALUE;
                for (int r = 0; r < matrix.rows(); r++) {
                    matrix.rowInto(r, row, 0);
                    float d = 0;
                    for (int k = 0; k < row.length; k++) {
                        float x = row[k] - v.get(t, k);
                        d += x * x;
                    }
                    if (d < best) {
                        best = d;
                        ids[t] = r;
                    }
                }
                scores[t] = -best;
                frames[t] = t;
            }
            return new SnapResult(ids, scores, new float[n], frames, 1, ids, scores);
        }

        @Override
        public void close() {
        }
    }

    /** Silence, 10 ms per character. */
    static final class Silence implements SpeechSynthesizer {
        @Override
        public AudioClip synthesize(String text, SynthesisOptions options) {
            return AudioClip.silence(Duration.ofMillis(10L * Math.max(1, text.length())), 16_000);
        }

        @Override
        public void close() {
        }
    }
}
