package dev.s2s.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.TokenMatrix;

/**
 * Synthetic speech-like data with a known mapping, for tests: every token id has a prototype
 * feature vector; a sentence is its tokens' prototypes held for a few frames each, with noise and
 * short silences.
 */
final class Synthetic {

    final int vocab;
    final int embDim;
    final int featDim;
    final float[] protos;
    final TokenMatrix matrix;

    Synthetic(int vocab, int embDim, int featDim, long seed) {
        this.vocab = vocab;
        this.embDim = embDim;
        this.featDim = featDim;
        Random r = new Random(seed);
        protos = new float[vocab * featDim];
        for (int i = 0; i < protos.length; i++) {
            protos[i] = (float) r.nextGaussian();
        }
        float[] emb = new float[vocab * embDim];
        for (int i = 0; i < emb.length; i++) {
            emb[i] = (float) r.nextGaussian();
        }
        matrix = TokenMatrix.ofFloats(emb, vocab, embDim, null);
    }

    /** {@code n} random sentences of 4 to 8 tokens (ids from 1, so 0 can stay unused), spoken. */
    List<Utterance> sentences(int n, long seed, String voice, double noise, int minFrames, int maxFrames) {
        Random r = new Random(seed);
        List<Utterance> out = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            int len = 4 + r.nextInt(5);
            int[] tok = new int[len];
            for (int i = 0; i < len; i++) {
                tok[i] = 1 + r.nextInt(vocab - 1);
            }
            out.add(speak("s" + s, tok, voice, noise, minFrames, maxFrames, r));
        }
        return out;
    }

    Utterance speak(String id, int[] tok, String voice, double noise, int minFrames, int maxFrames, Random r) {
        List<float[]> frames = new ArrayList<>();
        for (int t : tok) {
            int d = minFrames + r.nextInt(maxFrames - minFrames + 1);
            for (int i = 0; i < d; i++) {
                float[] fr = new float[featDim];
                for (int c = 0; c < featDim; c++) {
                    fr[c] = protos[t * featDim + c] + (float) (r.nextGaussian() * noise);
                }
                frames.add(fr);
            }
            int gap = r.nextInt(3);
            for (int i = 0; i < gap; i++) {
                float[] fr = new float[featDim];
                for (int c = 0; c < featDim; c++) {
                    fr[c] = (float) (r.nextGaussian() * noise);
                }
                frames.add(fr);
            }
        }
        float[] data = new float[frames.size() * featDim];
        for (int i = 0; i < frames.size(); i++) {
            System.arraycopy(frames.get(i), 0, data, i * featDim, featDim);
        }
        return new Utterance(id, "", tok, voice, new EmbeddingSequence(data, frames.size(), featDim, 50));
    }
}
