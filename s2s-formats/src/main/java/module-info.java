/**
 * s2s model-file readers: GGUF (with dequantization), whisper.cpp ggml {@code .bin}, safetensors
 * and {@code .npy}. Pure Java over memory-mapped {@link java.lang.foreign.MemorySegment}s; every
 * reader validates a file completely before native code is allowed to see it.
 */
module dev.s2s.formats {
    requires transitive dev.s2s.api;
    requires org.slf4j;

    exports dev.s2s.formats;
}
