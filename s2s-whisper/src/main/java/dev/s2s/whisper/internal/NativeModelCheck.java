package dev.s2s.whisper.internal;

import java.nio.file.Path;

import dev.s2s.api.ModelFormatException;
import dev.s2s.formats.GgmlHParams;
import dev.s2s.formats.GgmlModel;
import dev.s2s.formats.GgmlTensor;
import dev.s2s.formats.GgmlType;

/**
 * Checks a whisper.cpp model in Java before whisper.cpp 1.7.1 (inside whisper-jni) may load it.
 * On top of {@link GgmlModel}'s full format validation (magic, hyper-parameter ranges, filter
 * bank, vocabulary and every tensor record within the file size, Silero VAD and GGUF files named)
 * it refuses what is known to abort the JVM in native code:
 * <ul>
 * <li>{@code ftype 0} (all-f32) models and f32 conv kernels: they load, then {@code full()} hits
 * {@code GGML_ASSERT(src0->type == GGML_TYPE_F16)} in {@code im2col} (SIGABRT);</li>
 * <li>{@code n_text_state != n_audio_state} (asserted by whisper.cpp);</li>
 * <li>{@code n_vocab < 51864}: the special and timestamp token ids are fixed above 50256;</li>
 * <li>{@code n_audio_ctx != 1500} and mel band counts other than 80 and 128: the front end and
 * encoder graph have these sizes built in;</li>
 * <li>more than 4 dimensions in a tensor record, which would overflow whisper.cpp's
 * {@code ne[4]} array (already refused by the reader).</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class NativeModelCheck {

    private NativeModelCheck() {
    }

    /**
     * Validates {@code path} for whisper.cpp and returns its hyper-parameters.
     *
     * @throws ModelFormatException naming the problem
     */
    public static GgmlHParams validate(Path path) {
        try (GgmlModel m = GgmlModel.open(path)) {
            GgmlHParams h = m.hparams();
            String file = path.getFileName().toString();
            if (h.baseFtype() == 0) {
                throw new ModelFormatException(file + ": ftype 0 (all-f32) whisper models abort whisper.cpp 1.7.1 "
                        + "(its im2col needs f16 conv kernels); convert the model to f16 or a quantized type");
            }
            if (h.nTextState() != h.nAudioState()) {
                throw new ModelFormatException(file + ": n_text_state " + h.nTextState() + " differs from n_audio_state "
                        + h.nAudioState() + "; whisper.cpp requires them equal");
            }
            if (h.nVocab() < 51864) {
                throw new ModelFormatException(file + ": n_vocab " + h.nVocab()
                        + " is below 51864; whisper.cpp's special token ids need the full Whisper vocabulary");
            }
            if (h.nAudioCtx() != 1500) {
                throw new ModelFormatException(file + ": n_audio_ctx " + h.nAudioCtx()
                        + " is not 1500; whisper.cpp's 30 s window needs 1500 encoder positions");
            }
            if (h.nMels() != 80 && h.nMels() != 128) {
                throw new ModelFormatException(file + ": n_mels " + h.nMels() + " is neither 80 nor 128");
            }
            for (String conv : new String[] {"encoder.conv1.weight", "encoder.conv2.weight"}) {
                GgmlTensor t = m.tensor(conv).orElse(null);
                if (t != null && t.type() != GgmlType.F16) {
                    throw new ModelFormatException(file + ": tensor '" + conv + "' is " + t.type()
                            + "; whisper.cpp 1.7.1 aborts unless conv kernels are f16");
                }
            }
            return h;
        }
    }
}
