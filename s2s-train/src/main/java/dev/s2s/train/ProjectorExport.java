package dev.s2s.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.s2s.api.ProviderConfig;
import dev.s2s.api.ConfigException;
import dev.s2s.formats.SafetensorsWriter;

/**
 * Writes a {@link TrainedProjector} in the format the "mlp" {@code EmbeddingProjector} provider
 * loads: a {@code .safetensors} file of float32 tensors plus a JSON configuration naming them.
 * The configuration is also a provider configuration ({@code "provider": "mlp"}), so
 * {@code S2s.projector("mlp", ProviderConfig.read(json))} loads the projector and its blank, and
 * the snapper decodes exactly what the trainer evaluated (with the recorded metric, the blank and
 * repeat collapsing).
 *
 * <p>Tensors: {@code input_mean}, {@code input_std} (z-normalisation of the input features),
 * {@code linear1.weight} (hidden × (2c+1)·k·inputDim), {@code linear1.bias},
 * {@code linear2.weight} (outputDim × hidden), {@code linear2.bias} and {@code blank}
 * (outputDim). The JSON also records, under {@code "snap"}, the metric and repeat collapsing that
 * reproduce the trainer's decoding. Stateless and thread-safe.
 */
public final class ProjectorExport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ProjectorExport() {
    }

    /**
     * The files written by {@link #write}.
     *
     * @param config  the JSON configuration
     * @param weights the safetensors file
     */
    public record Written(Path config, Path weights) {
    }

    /**
     * Writes {@code <name>.json} and {@code <name>.safetensors} into {@code dir}.
     *
     * @throws IOException when the files cannot be written
     */
    public static Written write(TrainedProjector p, Path dir, String name) throws IOException {
        ProjectorSpec s = p.spec();
        if (s.activation() == ProjectorSpec.Activation.GELU_TANH) {
            throw new ConfigException("the mlp projector has no tanh-approximated GELU; train with GELU or RELU to export");
        }
        Files.createDirectories(dir);
        Path weights = dir.resolve(name + ".safetensors");
        new SafetensorsWriter()
                .add("input_mean", p.mean(), s.inputDim())
                .add("input_std", p.std(), s.inputDim())
                .add("linear1.weight", p.w1(), s.hidden(), s.layerInputDim())
                .add("linear1.bias", p.b1(), s.hidden())
                .add("linear2.weight", p.w2(), s.outputDim(), s.hidden())
                .add("linear2.bias", p.b2(), s.outputDim())
                .add("blank", p.blank(), s.outputDim())
                .metadata("producer", "s2s-train")
                .write(weights);
        Path config = dir.resolve(name + ".json");
        JSON.writeValue(config.toFile(), config(p, weights.getFileName().toString()));
        return new Written(config, weights);
    }

    /** The JSON configuration of {@code p}, naming {@code weightsFile} (relative to the JSON's folder). */
    public static ObjectNode config(TrainedProjector p, String weightsFile) {
        ProjectorSpec s = p.spec();
        ObjectNode n = JSON.createObjectNode();
        n.put("provider", "mlp");
        n.put("weights", weightsFile);
        n.put("inputDim", s.inputDim());
        n.put("stack", s.stack());
        n.put("tail", s.padTail() ? "pad" : "drop");
        n.put("context", s.context());
        n.put("inputMean", "input_mean");
        n.put("inputStd", "input_std");
        n.putObject("linear1").put("weight", "linear1.weight").put("bias", "linear1.bias");
        n.put("activation", s.activation() == ProjectorSpec.Activation.RELU ? "relu" : "gelu");
        n.putObject("linear2").put("weight", "linear2.weight").put("bias", "linear2.bias");
        n.put("blank", "blank");
        // how the trainer scored: the snapper settings that reproduce its decoding
        ObjectNode snap = n.putObject("snap");
        snap.put("metric", s.similarity() == ProjectorSpec.Similarity.COSINE ? "cosine" : "inner_product");
        snap.put("collapseRepeats", true);
        n.put("cosineScale", p.scale());
        n.put("vocabularySize", p.tokenMatrix().rows());
        n.put("outputDim", s.outputDim());
        return n;
    }

    /** The configuration as a {@link ProviderConfig} whose relative paths resolve against {@code dir}. */
    public static ProviderConfig providerConfig(TrainedProjector p, Path dir, String weightsFile) {
        return ProviderConfig.of(config(p, weightsFile), dir);
    }
}
