package dev.s2s.train;

/**
 * The shape of a trainable projector: input normalisation, frame stacking by {@code stack}, an
 * optional context of {@code ±context} stacked frames, then Linear → activation → Linear to the
 * language model's embedding width, scored against the frozen token-embedding matrix plus one
 * learned blank vector. Immutable and thread-safe.
 *
 * @param inputDim   width of an input feature frame (e.g. 80 for log-mel)
 * @param stack      frames stacked into one (k), at least 1
 * @param context    stacked neighbours concatenated on each side (c), at least 0
 * @param hidden     width of the hidden layer
 * @param outputDim  the language model's embedding width
 * @param activation the nonlinearity between the two linear layers
 * @param similarity how projected vectors are scored against token embeddings
 * @param padTail    true: a last partial group of frames is zero-padded; false: it is dropped
 */
public record ProjectorSpec(int inputDim, int stack, int context, int hidden, int outputDim, Activation activation,
        Similarity similarity, boolean padTail) {

    /** The nonlinearity of the hidden layer. */
    public enum Activation {
        /** Exact GELU, {@code x·Φ(x)} with the error function (PyTorch's default). */
        GELU,
        /** GELU's tanh approximation. */
        GELU_TANH,
        /** {@code max(0, x)}. */
        RELU
    }

    /** How a projected vector is scored against token embeddings (and the blank). */
    public enum Similarity {
        /** Cosine similarity times a learned scale (the snapper's cosine metric). */
        COSINE,
        /** Inner product (the snapper's inner-product metric). */
        INNER_PRODUCT
    }

    /** Validates. */
    public ProjectorSpec {
        if (inputDim < 1 || stack < 1 || context < 0 || hidden < 1 || outputDim < 1) {
            throw new IllegalArgumentException("bad projector shape: inputDim " + inputDim + ", stack " + stack
                    + ", context " + context + ", hidden " + hidden + ", outputDim " + outputDim);
        }
        if (activation == null || similarity == null) {
            throw new IllegalArgumentException("activation and similarity must not be null");
        }
        long din = (long) (2 * context + 1) * stack * inputDim;
        if (din * hidden > Integer.MAX_VALUE / 2 || (long) hidden * outputDim > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("projector too large: " + din + " x " + hidden + " x " + outputDim);
        }
    }

    /** Width of one stacked frame: {@code stack * inputDim}. */
    public int stackedDim() {
        return stack * inputDim;
    }

    /** Width of the first linear layer's input: {@code (2 * context + 1) * stack * inputDim}. */
    public int layerInputDim() {
        return (2 * context + 1) * stack * inputDim;
    }

    /** Output frames for {@code inputFrames} input frames. */
    public int outputFrames(int inputFrames) {
        return padTail ? (inputFrames + stack - 1) / stack : inputFrames / stack;
    }

    /** Number of trainable values (weights, biases, blank and scale). */
    public long parameterCount() {
        return (long) hidden * layerInputDim() + hidden + (long) outputDim * hidden + outputDim + outputDim + 1;
    }
}
