package dev.s2s.formats;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.s2s.api.ModelFormatException;

/**
 * A {@code .safetensors} file (as written by {@code safetensors.torch.save_file}), memory-mapped.
 *
 * <p>Layout: an unsigned 64-bit little-endian header length {@code N}, then {@code N} bytes of
 * UTF-8 JSON mapping tensor names to {@code {"dtype", "shape", "data_offsets": [begin, end]}}
 * (plus an optional {@code "__metadata__"} string map), then the data; offsets are relative to the
 * start of the data. Opening validates everything: the header length against the file size, the
 * JSON, every dtype, shape and offset pair, that each byte length equals
 * {@code product(shape) * dtype size}, that tensors lie inside the file and do not overlap.
 * Problems raise {@link ModelFormatException} naming the file and the tensor.
 *
 * <p>Reads are thread-safe; {@link #close()} must not race with them.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Headers above this size are rejected (the reference implementation uses 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private final MappedFile file;
    private final long dataStart;
    private final Map<String, SafetensorsTensor> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(MappedFile file, long dataStart, Map<String, SafetensorsTensor> tensors,
            Map<String, String> metadata) {
        this.file = file;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Opens and validates {@code path}.
     *
     * @throws ModelFormatException when the file is missing or malformed
     */
    public static SafetensorsFile open(Path path) {
        MappedFile f = MappedFile.open(path);
        try {
            return parse(f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static SafetensorsFile parse(MappedFile f) {
        String name = f.path().getFileName().toString();
        if (f.size() < 8) {
            throw f.fail(0, "too short for a safetensors file (" + f.size() + " bytes)");
        }
        long n = f.i64(0, "header length");
        if (n < 2 || n > MAX_HEADER_BYTES || n > f.size() - 8) {
            throw f.fail(0, "bad safetensors header length " + Long.toUnsignedString(n) + " (file has " + f.size()
                    + " bytes; not a safetensors file?)");
        }
        String header = f.utf8(8, n, "safetensors JSON header");
        if (!header.startsWith("{")) {
            throw f.fail(8, "safetensors header does not start with '{'");
        }
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(name + ": invalid safetensors JSON header: " + e.getOriginalMessage(), e);
        }
        if (!(root instanceof ObjectNode obj)) {
            throw new ModelFormatException(name + ": safetensors header is not a JSON object");
        }
        long dataStart = 8 + n;
        long dataSize = f.size() - dataStart;
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, SafetensorsTensor> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (key.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw new ModelFormatException(name + ": __metadata__ must be an object of strings");
                }
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext();) {
                    Map.Entry<String, JsonNode> me = m.next();
                    if (!me.getValue().isTextual()) {
                        throw new ModelFormatException(name + ": __metadata__ value '" + me.getKey()
                                + "' is not a string");
                    }
                    meta.put(me.getKey(), me.getValue().asText());
                }
                continue;
            }
            out.put(key, tensor(name, key, v, dataStart, dataSize));
        }
        List<SafetensorsTensor> sorted = new ArrayList<>(out.values());
        sorted.sort(Comparator.comparingLong(SafetensorsTensor::offset));
        for (int i = 1; i < sorted.size(); i++) {
            SafetensorsTensor a = sorted.get(i - 1);
            SafetensorsTensor b = sorted.get(i);
            if (b.offset() < a.offset() + a.bytes()) {
                throw new ModelFormatException(name + ": tensors '" + a.name() + "' and '" + b.name() + "' overlap");
            }
        }
        return new SafetensorsFile(f, dataStart, Collections.unmodifiableMap(out), Collections.unmodifiableMap(meta));
    }

    private static SafetensorsTensor tensor(String file, String key, JsonNode v, long dataStart, long dataSize) {
        String where = file + ": tensor '" + key + "'";
        if (!v.isObject()) {
            throw new ModelFormatException(where + " is not a JSON object");
        }
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new ModelFormatException(where + " has no dtype");
        }
        SafetensorsDtype dtype;
        try {
            dtype = SafetensorsDtype.valueOf(dt.asText());
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(where + " has unknown dtype '" + dt.asText() + "'");
        }
        JsonNode sh = v.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new ModelFormatException(where + " has no shape array");
        }
        long[] shape = new long[sh.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                throw new ModelFormatException(where + " has a bad dimension " + d + " in its shape");
            }
            shape[i] = d.longValue();
            try {
                elements = Math.multiplyExact(elements, shape[i]);
            } catch (ArithmeticException ex) {
                throw new ModelFormatException(where + " has an absurd shape " + sh);
            }
        }
        JsonNode off = v.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                || !off.get(1).isIntegralNumber() || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw new ModelFormatException(where + " needs data_offsets [begin, end]");
        }
        long begin = off.get(0).longValue();
        long end = off.get(1).longValue();
        if (begin < 0 || end < begin) {
            throw new ModelFormatException(where + " has bad data_offsets [" + begin + ", " + end + "]");
        }
        if (end > dataSize) {
            throw new ModelFormatException(where + " data [" + begin + ", " + end + ") lies beyond the end of the file"
                    + " (data section has " + dataSize + " bytes; truncated file?)");
        }
        long need;
        try {
            need = Math.multiplyExact(elements, dtype.bytes());
        } catch (ArithmeticException ex) {
            throw new ModelFormatException(where + " has an absurd shape " + sh);
        }
        if (end - begin != need) {
            throw new ModelFormatException(where + " has " + (end - begin) + " bytes but shape " + sh + " of " + dtype
                    + " needs " + need);
        }
        return new SafetensorsTensor(key, dtype, shape, dataStart + begin, end - begin);
    }

    /** The file. */
    public Path path() {
        return file.path();
    }

    /** Tensors by name, in header order. */
    public Map<String, SafetensorsTensor> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} strings (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** True when the file has a tensor called {@code name}. */
    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /**
     * The tensor called {@code name}.
     *
     * @throws ModelFormatException when there is none
     */
    public SafetensorsTensor tensor(String name) {
        SafetensorsTensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException(path().getFileName() + ": no tensor named '" + name + "' (has "
                    + tensors.keySet() + ")");
        }
        return t;
    }

    /** The raw bytes of a tensor, as a read-only slice of the mapping. */
    public MemorySegment data(String name) {
        SafetensorsTensor t = tensor(name);
        return file.slice(t.offset(), t.bytes(), "tensor " + name).asReadOnly();
    }

    /**
     * A tensor widened to a new float array (row-major). F32, F16 and BF16 only.
     *
     * @throws ModelFormatException for another dtype or a tensor too large for one array
     */
    public float[] floats(String name) {
        SafetensorsTensor t = tensor(name);
        if (!t.dtype().isFloat()) {
            throw new ModelFormatException(path().getFileName() + ": tensor '" + name + "' is " + t.dtype()
                    + "; only F32, F16 and BF16 can be read as floats");
        }
        if (t.elements() > Integer.MAX_VALUE - 16) {
            throw new ModelFormatException(path().getFileName() + ": tensor '" + name + "' has " + t.elements()
                    + " elements, too many for one float array");
        }
        int n = (int) t.elements();
        MemorySegment seg = data(name);
        float[] out = new float[n];
        switch (t.dtype()) {
            case F32 -> MemorySegment.copy(seg, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, out, 0, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.float16ToFloat(seg.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * i));
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((seg.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * i) & 0xFFFF) << 16);
                }
            }
        }
        return out;
    }

    /**
     * {@link #floats} after checking the shape equals {@code expected}.
     *
     * @throws ModelFormatException naming the tensor, expected and actual shapes
     */
    public float[] floats(String name, long... expected) {
        SafetensorsTensor t = tensor(name);
        if (!java.util.Arrays.equals(t.shape(), expected)) {
            throw new ModelFormatException(path().getFileName() + ": tensor '" + name + "' has shape "
                    + java.util.Arrays.toString(t.shape()) + ", expected " + java.util.Arrays.toString(expected));
        }
        return floats(name);
    }

    /** Byte offset where the data section starts. */
    public long dataStart() {
        return dataStart;
    }

    /** Unmaps the file. Idempotent. */
    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path() + ", " + tensors.size() + " tensors]";
    }
}
