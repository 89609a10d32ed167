package dev.s2s.llama.internal;

import java.lang.reflect.Field;
import java.util.Map;

import de.kherud.llama.InferenceParameters;

/**
 * Puts raw JSON values into java-llama.cpp's request parameters. Its setters quote every prompt as
 * a string, but llama.cpp's server accepts a prompt that is an array of token ids (or of strings
 * and ids), which is how token prompts are fed exactly as given. The parameter map is
 * package-private, so it is reached reflectively (java-llama.cpp is an automatic module, whose
 * packages are open). Callers pass only JSON they produced with Jackson.
 *
 * <p>Thread-safe.
 */
public final class RawParams {

    private static final Field PARAMETERS;

    static {
        try {
            PARAMETERS = Class.forName("de.kherud.llama.JsonParameters").getDeclaredField("parameters");
            PARAMETERS.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("java-llama.cpp changed: cannot reach its request parameters: " + e);
        }
    }

    private RawParams() {
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
