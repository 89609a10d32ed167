package dev.s2s.projector;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import dev.s2s.api.ConfigException;
import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.ModelFormatException;
import dev.s2s.api.ProviderConfig;
import dev.s2s.formats.SafetensorsFile;
import dev.s2s.projector.internal.Support;

/**
 * Any projector exported to ONNX, run through the DJL API on the OnnxRuntime engine, fully
 * offline: DJL's offline mode ({@code ai.djl.offline}) and tracking opt-out
 * ({@code OPT_OUT_TRACKING}) are set before DJL is first touched, unless already set.
 *
 * <p>The model takes one float input of shape {@code [T, inputDim]} (or {@code [1, T, inputDim]}
 * with {@code "batch": true}) and returns {@code [S, outputDim]} (or {@code [1, S, outputDim]});
 * stacking, if any, happens inside the graph. Configuration:
 * <ul>
 * <li>{@code model} (required): the {@code .onnx} file;</li>
 * <li>{@code inputDim} (required unless the model declares a static last input dimension);</li>
 * <li>{@code frameMultiple} (int, default 1) and {@code tail} ({@code "pad"} with zero frames or
 * {@code "drop"}, default pad): make T a multiple before the model runs;</li>
 * <li>{@code framesPerOutput} (default {@code frameMultiple}): divides the frame rate;</li>
 * <li>{@code batch} (boolean, default false);</li>
 * <li>{@code threads} (int, default 1): ONNX Runtime intra-op threads;</li>
 * <li>{@code blankWeights} + {@code blankTensor} (optional): a learned blank vector read from a
 * safetensors file.</li>
 * </ul>
 *
 * <p>Thread-safe: calls to {@link #project} are serialised (a DJL predictor is not thread-safe).
 * {@link #close()} frees the native session.
 */
public final class DjlProjector implements EmbeddingProjector {

    private static final Logger LOG = LoggerFactory.getLogger(DjlProjector.class);

    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;
    private final int inputDim;
    private final int outputDim;
    private final int frameMultiple;
    private final boolean pad;
    private final int framesPerOutput;
    private final boolean batch;
    private final float[] blank;
    private boolean closed;

    /** Sets DJL's offline and no-tracking switches unless the user chose otherwise. */
    static void offline() {
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("OPT_OUT_TRACKING") == null && System.getenv("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    private DjlProjector(ZooModel<NDList, NDList> model, int inputDim, int frameMultiple, boolean pad,
            int framesPerOutput, boolean batch, float[] blank) {
        this.model = model;
        this.predictor = model.newPredictor();
        this.inputDim = inputDim;
        this.frameMultiple = frameMultiple;
        this.pad = pad;
        this.framesPerOutput = framesPerOutput;
        this.batch = batch;
        this.blank = blank;
        try {
            this.outputDim = run(new float[frameMultiple * inputDim], frameMultiple).dim();
        } catch (RuntimeException e) {
            predictor.close();
            throw e;
        }
        if (blank != null && blank.length != outputDim) {
            predictor.close();
            throw new ModelFormatException("blank vector has " + blank.length + " values, the model outputs "
                    + outputDim);
        }
    }

    /**
     * Loads the model named by {@code c} (see the class documentation).
     *
     * @throws ConfigException      for a bad setting
     * @throws ModelFormatException when ONNX Runtime rejects the model
     */
    public static DjlProjector load(ProviderConfig c) {
        offline();
        Path file = c.requireFile("model");
        int frameMultiple = Support.positive(c, "frameMultiple", 1);
        int framesPerOutput = Support.positive(c, "framesPerOutput", frameMultiple);
        int threads = Support.positive(c, "threads", 1);
        boolean pad = Support.padTail(c);
        float[] blank = null;
        if (c.has("blankWeights")) {
            try (SafetensorsFile f = SafetensorsFile.open(c.requireFile("blankWeights"))) {
                blank = f.floats(c.requireString("blankTensor"));
            }
        }
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(file).optEngine("OnnxRuntime")
                .optOption("intraOpNumThreads", Integer.toString(threads))
                .optOption("interOpNumThreads", "1").build();
        ZooModel<NDList, NDList> model;
        try {
            model = criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException e) {
            throw new ModelFormatException(file.getFileName() + ": ONNX Runtime cannot load the model: "
                    + e.getMessage(), e);
        } catch (ai.djl.engine.EngineException e) {
            throw new ModelFormatException(file.getFileName() + ": ONNX Runtime rejected the model: " + e.getMessage(),
                    e);
        }
        try {
            int inputDim = c.integer("inputDim", -1);
            if (inputDim < 0) {
                Shape s = model.describeInput() == null || model.describeInput().isEmpty() ? null
                        : model.describeInput().get(0).getValue();
                if (s == null || s.dimension() == 0 || s.get(s.dimension() - 1) <= 0) {
                    throw new ConfigException(file.getFileName() + ": the model's input width is dynamic; set 'inputDim'");
                }
                inputDim = (int) s.get(s.dimension() - 1);
            }
            DjlProjector p = new DjlProjector(model, inputDim, frameMultiple, pad, framesPerOutput,
                    c.bool("batch", false), blank);
            LOG.debug("loaded ONNX projector {}: {} -> {}", file, inputDim, p.outputDim);
            return p;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public synchronized EmbeddingSequence project(EmbeddingSequence audio) {
        Objects.requireNonNull(audio, "audio");
        if (closed) {
            throw new IllegalStateException("projector is closed");
        }
        if (audio.dim() != inputDim) {
            throw new IllegalArgumentException("projector expects width " + inputDim + ", got " + audio.dim());
        }
        int t = audio.frames();
        int frames = Support.framesAfterTail(t, frameMultiple, pad);
        double fps = audio.framesPerSecond() / framesPerOutput;
        if (frames == 0) {
            return new EmbeddingSequence(new float[0], 0, outputDim, fps);
        }
        EmbeddingSequence y = run(Support.valuesResized(audio, frames), frames);
        return new EmbeddingSequence(y.data(), y.frames(), y.dim(), fps);
    }

    private EmbeddingSequence run(float[] x, int frames) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            Shape shape = batch ? new Shape(1, frames, inputDim) : new Shape(frames, inputDim);
            NDArray in = m.create(x, shape);
            NDList out = predictor.predict(new NDList(in));
            if (out.isEmpty()) {
                throw new ModelFormatException("the ONNX model returned no output");
            }
            NDArray y = out.get(0);
            if (y.getDataType() != DataType.FLOAT32) {
                y = y.toType(DataType.FLOAT32, false);
            }
            Shape s = y.getShape();
            boolean ok = s.dimension() == 2 || (s.dimension() == 3 && s.get(0) == 1);
            if (!ok) {
                throw new ModelFormatException("the ONNX model's output has shape " + s + "; expected [S, D] or [1, S, D]");
            }
            int rows = (int) s.get(s.dimension() - 2);
            int dim = (int) s.get(s.dimension() - 1);
            return new EmbeddingSequence(y.toFloatArray(), rows, dim, 0);
        } catch (TranslateException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the projector: " + e.getMessage(), e);
        }
    }

    @Override
    public int inputDim() {
        return inputDim;
    }

    @Override
    public int outputDim() {
        return outputDim;
    }

    @Override
    public Optional<float[]> blank() {
        return blank == null ? Optional.empty() : Optional.of(blank.clone());
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            predictor.close();
            model.close();
        }
    }

    @Override
    public String toString() {
        return "DjlProjector[" + model.getName() + ", " + inputDim + " -> " + outputDim + "]";
    }
}
