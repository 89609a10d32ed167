package dev.s2s.formats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.s2s.api.ModelFormatException;
import dev.s2s.api.TokenMatrix;
import dev.s2s.api.Vocabulary;

/**
 * A GGUF model file (versions 2 and 3), read in pure Java over a memory mapping: the header, all
 * metadata (every value type, nested arrays included), the tensor table with its alignment
 * ({@code general.alignment}, default 32), and tensor data as {@link MemorySegment}s, so files over
 * 2 GB work. It also exposes the vocabulary and {@code token_embd.weight} as a {@link TokenMatrix}.
 *
 * <p>{@link #open} validates the whole structure before returning: a file that is not GGUF,
 * truncated, with absurd counts or lengths, unknown tensor types, misaligned offsets or data
 * beyond the end of the file raises {@link ModelFormatException} with the reason. Nothing is
 * allocated from a count before the count is checked against the bytes that remain, so a hostile
 * file cannot cause an {@code OutOfMemoryError}. Use it to vet a path before native code sees it.
 *
 * <p>Metadata values are Java objects: {@code Integer} for 8/16-bit and signed 32-bit integers,
 * {@code Long} for unsigned 32-bit and 64-bit integers (a {@code uint64} above
 * {@code Long.MAX_VALUE} reads as negative), {@code Float}, {@code Double}, {@code Boolean},
 * {@code String}, and unmodifiable {@code List}s for arrays.
 *
 * <p>Thread-safe for reading once opened. Segments, tensors data and token matrices that point into
 * the mapping must not be used after {@link #close()} (they then throw {@link IllegalStateException}
 * rather than crash).
 */
public final class GgufFile implements AutoCloseable {

    /** The magic number, "GGUF" read as a little-endian int. */
    public static final int MAGIC = 0x46554747;
    /** The alignment used when {@code general.alignment} is absent. */
    public static final int DEFAULT_ALIGNMENT = 32;
    /** The name of the token-embedding tensor. */
    public static final String TOKEN_EMBEDDINGS = "token_embd.weight";

    private static final int MAX_DIMS = 4;
    private static final int MAX_NESTING = 8;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final MappedFile file;
    private final int version;
    private final int alignment;
    private final long dataOffset;
    private final Map<String, Object> metadata;
    private final Map<String, GgufTensor> tensors;

    private GgufFile(MappedFile file, int version, int alignment, long dataOffset, Map<String, Object> metadata,
            Map<String, GgufTensor> tensors) {
        this.file = file;
        this.version = version;
        this.alignment = alignment;
        this.dataOffset = dataOffset;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /**
     * Opens and validates {@code path}.
     *
     * @throws ModelFormatException when the file is missing, not GGUF or malformed; the message names the reason
     */
    public static GgufFile open(Path path) {
        MappedFile f = MappedFile.open(path);
        try {
            return new Parser(f).parse();
        } catch (RuntimeException e) {
            f.close();
            if (e instanceof ModelFormatException) {
                throw e;
            }
            throw new ModelFormatException(path.getFileName() + ": malformed GGUF: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code path} is a well-formed GGUF file whose tensors all lie inside it, then
     * closes it. The gate every model path passes before native code loads it.
     *
     * @throws ModelFormatException with the reason when it is not
     */
    public static void validate(Path path) {
        try (GgufFile ignored = open(path)) {
            // open() validated everything
        }
    }

    /** The file. */
    public Path path() {
        return file.path();
    }

    /** The GGUF version (2 or 3). */
    public int version() {
        return version;
    }

    /** The data alignment in bytes. */
    public int alignment() {
        return alignment;
    }

    /** Absolute offset of the tensor-data section. */
    public long dataOffset() {
        return dataOffset;
    }

    /** All metadata, in file order (unmodifiable). */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** A metadata value, or empty. */
    public Optional<Object> get(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /** A string value, or empty when absent. @throws ModelFormatException when present with another type */
    public Optional<String> string(String key) {
        Object v = metadata.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s);
        }
        throw typeError(key, "a string", v);
    }

    /** An integer value, or empty when absent. @throws ModelFormatException when present with another type */
    public Optional<Long> integer(String key) {
        Object v = metadata.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Integer || v instanceof Long) {
            return Optional.of(((Number) v).longValue());
        }
        throw typeError(key, "an integer", v);
    }

    /** An array value, or empty when absent. @throws ModelFormatException when present with another type */
    public Optional<List<?>> array(String key) {
        Object v = metadata.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof List<?> l) {
            return Optional.of(l);
        }
        throw typeError(key, "an array", v);
    }

    /** The model architecture ({@code general.architecture}), or empty. */
    public Optional<String> architecture() {
        return string("general.architecture");
    }

    /** The chat template ({@code tokenizer.chat_template}), or empty when the model has none. */
    public Optional<String> chatTemplate() {
        return string("tokenizer.chat_template").filter(s -> !s.isBlank());
    }

    /** All tensors by name, in file order (unmodifiable). */
    public Map<String, GgufTensor> tensors() {
        return tensors;
    }

    /** The tensor called {@code name}, or empty. */
    public Optional<GgufTensor> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The raw bytes of {@code tensor} (a slice of the mapping). */
    public MemorySegment data(GgufTensor tensor) {
        return file.slice(tensor.offset(), tensor.byteSize(), "data of tensor " + tensor.name());
    }

    /**
     * The whole tensor widened to float.
     *
     * @throws ModelFormatException when its type cannot be dequantized or it has more than
     *                              {@code Integer.MAX_VALUE - 8} elements (use {@link #dequantizeRows})
     */
    public float[] dequantize(GgufTensor tensor) {
        long n = tensor.elements();
        if (n > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(tensor.name() + " has " + n
                    + " elements, too many for one float array; dequantize it by rows");
        }
        float[] out = new float[(int) n];
        Dequantizer.dequantize(tensor.type(), data(tensor), 0, out, 0, (int) n);
        return out;
    }

    /**
     * Rows {@code [first, first + count)} of {@code tensor} (rows of {@code shape[0]} elements)
     * widened to float into {@code dst} at {@code dstOffset}.
     */
    public void dequantizeRows(GgufTensor tensor, long first, int count, float[] dst, int dstOffset) {
        long rowLen = tensor.dim(0);
        long rows = tensor.elements() / Math.max(1, rowLen);
        java.util.Objects.checkFromIndexSize(first, count, rows);
        long values = Math.multiplyExact(rowLen, (long) count);
        if (values > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(tensor.name() + ": " + values + " values do not fit one float array");
        }
        long rowBytes = tensor.type().byteSize(rowLen);
        Dequantizer.dequantize(tensor.type(), data(tensor), first * rowBytes, dst, dstOffset, (int) values);
    }

    /**
     * The vocabulary from {@code tokenizer.ggml.tokens}, {@code .scores}, {@code .token_type} and
     * the BOS/EOS/unknown/padding ids (an id outside the vocabulary counts as absent, -1).
     *
     * @throws ModelFormatException when the file has no token list or the lists disagree in length
     */
    public Vocabulary vocabulary() {
        List<?> tokens = array("tokenizer.ggml.tokens")
                .orElseThrow(() -> new ModelFormatException(name() + ": no vocabulary (tokenizer.ggml.tokens)"));
        List<String> strings = new ArrayList<>(tokens.size());
        for (Object t : tokens) {
            if (!(t instanceof String s)) {
                throw new ModelFormatException(name() + ": tokenizer.ggml.tokens must hold strings");
            }
            strings.add(s);
        }
        float[] scores = array("tokenizer.ggml.scores").map(l -> floats("tokenizer.ggml.scores", l))
                .orElse(new float[0]);
        int[] types = array("tokenizer.ggml.token_type").map(l -> ints("tokenizer.ggml.token_type", l))
                .orElse(new int[0]);
        if (scores.length != 0 && scores.length != strings.size()) {
            throw new ModelFormatException(name() + ": " + scores.length + " token scores for " + strings.size()
                    + " tokens");
        }
        if (types.length != 0 && types.length != strings.size()) {
            throw new ModelFormatException(name() + ": " + types.length + " token types for " + strings.size()
                    + " tokens");
        }
        int n = strings.size();
        return new Vocabulary(strings, scores, types, special("bos", n), special("eos", n), special("unknown", n),
                special("padding", n));
    }

    /**
     * Every special token id the file names ({@code tokenizer.ggml.<what>_token_id}: bos, eos,
     * unknown, padding, seperator, cls, mask, eot, eom, ...), keyed by {@code <what>}; ids outside
     * the vocabulary are left out.
     */
    public Map<String, Integer> specialTokens() {
        int n = array("tokenizer.ggml.tokens").map(List::size).orElse(0);
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String key : metadata.keySet()) {
            if (key.startsWith("tokenizer.ggml.") && key.endsWith("_token_id")) {
                String what = key.substring("tokenizer.ggml.".length(), key.length() - "_token_id".length());
                int id = special(what, n);
                if (id >= 0) {
                    out.put(what, id);
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private int special(String what, int vocabSize) {
        Object v = metadata.get("tokenizer.ggml." + what + "_token_id");
        if (v instanceof Integer || v instanceof Long) {
            long id = ((Number) v).longValue();
            return id >= 0 && id < vocabSize ? (int) id : -1;
        }
        return -1;
    }

    /**
     * {@code token_embd.weight} as a V × D matrix with the vocabulary. F32 and F16 data are used
     * in place (memory-mapped, valid until {@link #close()}); other dequantizable types are widened
     * to an off-heap F32 copy, so matrices over 2 GB work. When the matrix has more rows than the
     * token list (padded embeddings), the extra rows get {@code <unused_N>} tokens of type
     * {@link Vocabulary#UNUSED}.
     *
     * @throws ModelFormatException when the tensor is missing, not 2-D, of an unsupported type, or
     *                              the token list is longer than the matrix
     */
    public TokenMatrix tokenEmbeddings() {
        GgufTensor t = tensor(TOKEN_EMBEDDINGS)
                .orElseThrow(() -> new ModelFormatException(name() + ": no " + TOKEN_EMBEDDINGS + " tensor"));
        long[] shape = t.shape();
        if (shape.length != 2) {
            throw new ModelFormatException(name() + ": " + TOKEN_EMBEDDINGS + " must be 2-D, has shape "
                    + java.util.Arrays.toString(shape));
        }
        long dim = shape[0];
        long rows = shape[1];
        if (dim > Integer.MAX_VALUE || rows > Integer.MAX_VALUE || dim < 1 || rows < 1) {
            throw new ModelFormatException(name() + ": " + TOKEN_EMBEDDINGS + " has an unusable shape "
                    + rows + " x " + dim);
        }
        if (!t.type().dequantizable()) {
            throw new ModelFormatException(name() + ": unsupported tensor type " + t.type() + " for "
                    + TOKEN_EMBEDDINGS);
        }
        Vocabulary vocab = metadata.containsKey("tokenizer.ggml.tokens") ? padded(vocabulary(), (int) rows) : null;
        MemorySegment data = data(t);
        return switch (t.type()) {
            case F32 -> TokenMatrix.of(TokenMatrix.Storage.F32, data, (int) rows, (int) dim, null, vocab);
            case F16 -> TokenMatrix.of(TokenMatrix.Storage.F16, data, (int) rows, (int) dim, null, vocab);
            default -> {
                MemorySegment out = Arena.ofAuto().allocate(rows * dim * Float.BYTES, Float.BYTES);
                float[] row = new float[(int) dim];
                for (long r = 0; r < rows; r++) {
                    dequantizeRows(t, r, 1, row, 0);
                    MemorySegment.copy(row, 0, out, F32, r * dim * Float.BYTES, (int) dim);
                }
                yield TokenMatrix.of(TokenMatrix.Storage.F32, out, (int) rows, (int) dim, null, vocab);
            }
        };
    }

    private Vocabulary padded(Vocabulary v, int rows) {
        if (v.size() == rows) {
            return v;
        }
        if (v.size() > rows) {
            throw new ModelFormatException(name() + ": the vocabulary has " + v.size() + " tokens but "
                    + TOKEN_EMBEDDINGS + " only " + rows + " rows");
        }
        List<String> tokens = new ArrayList<>(v.tokens());
        float[] scores = v.scores().length == 0 ? new float[0] : java.util.Arrays.copyOf(v.scores(), rows);
        int[] types = java.util.Arrays.copyOf(v.types().length == 0 ? filled(v.size(), Vocabulary.NORMAL) : v.types(),
                rows);
        for (int i = v.size(); i < rows; i++) {
            tokens.add("<unused_" + i + ">");
            types[i] = Vocabulary.UNUSED;
        }
        return new Vocabulary(tokens, scores, types, v.bos(), v.eos(), v.unk(), v.pad());
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, value);
        return a;
    }

    private float[] floats(String key, List<?> l) {
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Number num)) {
                throw new ModelFormatException(name() + ": " + key + " must hold numbers");
            }
            out[i] = num.floatValue();
        }
        return out;
    }

    private int[] ints(String key, List<?> l) {
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Integer || l.get(i) instanceof Long)) {
                throw new ModelFormatException(name() + ": " + key + " must hold integers");
            }
            out[i] = ((Number) l.get(i)).intValue();
        }
        return out;
    }

    private ModelFormatException typeError(String key, String want, Object got) {
        return new ModelFormatException(name() + ": metadata '" + key + "' should be " + want + ", is "
                + got.getClass().getSimpleName());
    }

    private String name() {
        return String.valueOf(file.path().getFileName());
    }

    /** Unmaps the file. Idempotent. */
    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "GgufFile[" + file.path() + ", v" + version + ", " + metadata.size() + " keys, " + tensors.size()
                + " tensors]";
    }

    /** Reads the header, metadata and tensor table with a moving cursor. */
    private static final class Parser {
        private final MappedFile f;
        private long pos;

        Parser(MappedFile f) {
            this.f = f;
        }

        GgufFile parse() {
            if (f.size() < 4 || f.i32(0, "magic") != MAGIC) {
                throw f.fail(0, "not a GGUF file (bad magic)");
            }
            int version = f.i32(4, "version");
            if (Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3) {
                throw f.fail(4, "big-endian GGUF is not supported");
            }
            if (version == 1) {
                throw f.fail(4, "GGUF version 1 is not supported (only versions 2 and 3)");
            }
            if (version != 2 && version != 3) {
                throw f.fail(4, "unsupported GGUF version " + Integer.toUnsignedString(version));
            }
            long tensorCount = f.i64(8, "tensor count");
            long kvCount = f.i64(16, "metadata count");
            pos = 24;
            // every metadata entry needs at least a key length, a type and one byte; every tensor info 24 bytes
            if (kvCount < 0 || kvCount > remaining() / 13) {
                throw f.fail(16, "absurd metadata count " + Long.toUnsignedString(kvCount) + " for a file of "
                        + f.size() + " bytes");
            }
            if (tensorCount < 0 || tensorCount > remaining() / 24) {
                throw f.fail(8, "absurd tensor count " + Long.toUnsignedString(tensorCount) + " for a file of "
                        + f.size() + " bytes");
            }
            Map<String, Object> meta = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                long at = pos;
                String key = string("metadata key " + i, true);
                if (key.isEmpty()) {
                    throw f.fail(at, "empty metadata key");
                }
                int type = f.i32(pos, "type of '" + key + "'");
                pos += 4;
                Object value = value(type, key, 0);
                if (meta.putIfAbsent(key, value) != null) {
                    throw f.fail(at, "duplicate metadata key '" + key + "'");
                }
            }
            int alignment = DEFAULT_ALIGNMENT;
            Object a = meta.get("general.alignment");
            if (a != null) {
                if (!(a instanceof Long || a instanceof Integer)) {
                    throw f.fail(0, "general.alignment must be an unsigned 32-bit integer");
                }
                long al = ((Number) a).longValue();
                if (al <= 0 || al > (1 << 30) || Long.bitCount(al) != 1) {
                    throw f.fail(0, "general.alignment " + al + " is not a power of two");
                }
                alignment = (int) al;
            }
            List<Object[]> infos = new ArrayList<>();
            for (long i = 0; i < tensorCount; i++) {
                long at = pos;
                String name = string("name of tensor " + i, true);
                int nDims = f.i32(pos, "dimension count of tensor " + name);
                pos += 4;
                if (nDims < 1 || nDims > MAX_DIMS) {
                    throw f.fail(at, "tensor " + name + " has " + Integer.toUnsignedString(nDims)
                            + " dimensions (1 to " + MAX_DIMS + " allowed)");
                }
                long[] shape = new long[nDims];
                long elements = 1;
                for (int d = 0; d < nDims; d++) {
                    shape[d] = f.i64(pos, "dimension " + d + " of tensor " + name);
                    pos += 8;
                    if (shape[d] < 0) {
                        throw f.fail(at, "tensor " + name + " has a negative dimension");
                    }
                    try {
                        elements = Math.multiplyExact(elements, shape[d]);
                    } catch (ArithmeticException e) {
                        throw f.fail(at, "tensor " + name + " has an absurd shape " + java.util.Arrays.toString(shape));
                    }
                }
                int typeId = f.i32(pos, "type of tensor " + name);
                pos += 4;
                GgmlType type;
                try {
                    type = GgmlType.fromId(Integer.toUnsignedLong(typeId));
                } catch (ModelFormatException e) {
                    throw f.fail(at, "tensor " + name + ": " + e.getMessage());
                }
                if (shape[0] % type.blockSize() != 0) {
                    throw f.fail(at, "tensor " + name + ": row length " + shape[0] + " is not a multiple of the "
                            + type + " block size " + type.blockSize());
                }
                long offset = f.i64(pos, "offset of tensor " + name);
                pos += 8;
                if (offset < 0 || offset % alignment != 0) {
                    throw f.fail(at, "tensor " + name + " has offset " + Long.toUnsignedString(offset)
                            + ", not a multiple of the alignment " + alignment);
                }
                long bytes;
                try {
                    bytes = type.byteSize(elements);
                } catch (ArithmeticException e) {
                    throw f.fail(at, "tensor " + name + " is absurdly large");
                }
                infos.add(new Object[] {name, type, shape, offset, bytes, at});
            }
            long dataOffset = align(pos, alignment);
            Map<String, GgufTensor> tensors = new LinkedHashMap<>();
            for (Object[] info : infos) {
                String name = (String) info[0];
                long rel = (Long) info[3];
                long bytes = (Long) info[4];
                long at = (Long) info[5];
                if (rel > f.size() || dataOffset > f.size() - rel || bytes > f.size() - dataOffset - rel) {
                    throw f.fail(at, "data of tensor " + name + " (" + bytes + " bytes at offset " + rel
                            + " past the data start " + dataOffset + ") lies beyond the end of the file ("
                            + f.size() + " bytes)");
                }
                GgufTensor t = new GgufTensor(name, (GgmlType) info[1], (long[]) info[2], dataOffset + rel, bytes);
                if (tensors.putIfAbsent(name, t) != null) {
                    throw f.fail(at, "duplicate tensor name '" + name + "'");
                }
            }
            return new GgufFile(f, version, alignment, dataOffset, meta, tensors);
        }

        private long remaining() {
            return f.size() - pos;
        }

        private static long align(long x, int alignment) {
            return (x + alignment - 1) / alignment * alignment;
        }

        private String string(String what, boolean strict) {
            long len = f.i64(pos, "length of " + what);
            if (len < 0 || len > remaining() - 8) {
                throw f.fail(pos, "absurd length " + Long.toUnsignedString(len) + " of " + what + " ("
                        + (remaining() - 8) + " bytes remain)");
            }
            String s;
            if (strict) {
                s = f.utf8(pos + 8, len, what);
            } else {
                // token strings are stored as raw bytes; llama.cpp does not require valid UTF-8
                s = new String(f.slice(pos + 8, len, what).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            }
            pos += 8 + len;
            return s;
        }

        private static int minSize(int type) {
            return switch (type) {
                case 0, 1, 7 -> 1;
                case 2, 3 -> 2;
                case 4, 5, 6 -> 4;
                case 8, 10, 11, 12 -> 8;
                case 9 -> 12;
                default -> 1;
            };
        }

        private Object value(int type, String key, int depth) {
            long at = pos;
            Object v = switch (type) {
                case 0 -> f.i8(pos, key) & 0xFF;
                case 1 -> (int) f.i8(pos, key);
                case 2 -> f.i16(pos, key) & 0xFFFF;
                case 3 -> (int) f.i16(pos, key);
                case 4 -> Integer.toUnsignedLong(f.i32(pos, key));
                case 5 -> f.i32(pos, key);
                case 6 -> f.f32(pos, key);
                case 7 -> {
                    byte b = f.i8(pos, key);
                    if (b != 0 && b != 1) {
                        throw f.fail(pos, "boolean '" + key + "' has value " + b);
                    }
                    yield b == 1;
                }
                case 8 -> null;
                case 9 -> null;
                case 10, 11 -> f.i64(pos, key);
                case 12 -> f.f64(pos, key);
                default -> throw f.fail(pos - 4, "metadata '" + key + "' has unknown value type "
                        + Integer.toUnsignedString(type));
            };
            if (type == 8) {
                return string("value of '" + key + "'", false);
            }
            if (type == 9) {
                if (depth >= MAX_NESTING) {
                    throw f.fail(at, "metadata '" + key + "' nests arrays deeper than " + MAX_NESTING);
                }
                int elemType = f.i32(pos, "element type of '" + key + "'");
                long count = f.i64(pos + 4, "element count of '" + key + "'");
                pos += 12;
                if (elemType < 0 || elemType > 12) {
                    throw f.fail(at, "array '" + key + "' has unknown element type "
                            + Integer.toUnsignedString(elemType));
                }
                if (count < 0 || count > remaining() / minSize(elemType)) {
                    throw f.fail(at, "absurd element count " + Long.toUnsignedString(count) + " of array '" + key
                            + "' (" + remaining() + " bytes remain)");
                }
                List<Object> list = new ArrayList<>((int) count);
                for (long i = 0; i < count; i++) {
                    list.add(value(elemType, key, depth + 1));
                }
                return Collections.unmodifiableList(list);
            }
            pos += minSize(type);
            return v;
        }
    }
}
