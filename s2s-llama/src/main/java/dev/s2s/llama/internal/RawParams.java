package dev.s2s.llama.internal;

import java.lang.reflect.Field;
import java.util.Map;

import de.kherud.llama.InferenceParameters;

/**
 * Puts raw JSON values into java-llama.cpp's request parameters. Its setters quote every prompt as
 * a string, but llama.cpp's server accepts a prompt that is an array of token ids (or of strings
 * and ids), which is how token prompts are fed exactly as given. The parameter map is
 * package-private, so it is reached reflectively (java-llama.cpp is an automatic module, whose
 * packages are open). Callers pass only JSON they produced with Jackson. It also reads the
 * model's native handle, to refuse a model java-llama.cpp failed to create.
 *
 * <p>Thread-safe.
 */
public final class RawParams {

    private static final Field PARAMETERS;
    private static final Field HANDLE;

    static {
        try {
            PARAMETERS = Class.forName("de.kherud.llama.JsonParameters").getDeclaredField("parameters");
            PARAMETERS.setAccessible(true);
            HANDLE = de.kherud.llama.LlamaModel.class.getDeclaredField("ctx");
            HANDLE.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("java-llama.cpp changed: cannot reach its request parameters: " + e);
        }
    }

    private RawParams() {
    }

    /**
     * True when {@code model} holds a native context. java-llama.cpp 4.2.0 can return from its
     * constructor without one (e.g. when llama.cpp refuses a LoRA adapter), and any later call
     * would then dereference a null pointer and crash the JVM.
     */
    public static boolean hasNativeContext(de.kherud.llama.LlamaModel model) {
        try {
            return HANDLE.getLong(model) != 0;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Creates a model from explicit llama.cpp arguments. java-llama.cpp 4.2.0 keeps its arguments in
     * a map, one value per flag, and passes {@code --lora-scaled} its path and scale as one
     * argument, which llama.cpp rejects; so adapters with scales cannot be loaded through
     * {@code ModelParameters}. Here an uninitialised {@code LlamaModel} gets the argument list
     * directly through its private native {@code loadModel(String...)}, which is all its
     * constructor does.
     *
     * @param args llama.cpp's command-line arguments, starting with the program name
     */
    public static de.kherud.llama.LlamaModel load(java.util.List<String> args) {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field f = unsafeClass.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            de.kherud.llama.LlamaModel m = (de.kherud.llama.LlamaModel) unsafeClass
                    .getMethod("allocateInstance", Class.class).invoke(f.get(null), de.kherud.llama.LlamaModel.class);
            java.lang.reflect.Method load = de.kherud.llama.LlamaModel.class.getDeclaredMethod("loadModel",
                    String[].class);
            load.setAccessible(true);
            load.invoke(m, (Object) args.toArray(String[]::new));
            return m;
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("java-llama.cpp changed: cannot load a model with explicit arguments: " + e,
                    e);
        }
    }

    /** Sets {@code key} to the JSON text {@code json}, unquoted. */
    @SuppressWarnings("unchecked")
    public static InferenceParameters put(InferenceParameters params, String key, String json) {
        try {
            ((Map<String, String>) PARAMETERS.get(params)).put(key, json);
            return params;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
