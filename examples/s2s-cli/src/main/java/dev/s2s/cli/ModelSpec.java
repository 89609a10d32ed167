package dev.s2s.cli;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model the {@link ModelStore} can fetch: a short name such as {@code whisper:base.en}, the
 * Hugging Face repository, revision and file it comes from, and its pinned sha256 and size.
 *
 * <p>The default catalog ({@link #defaults()}) holds the models the default pipeline uses and a
 * few alternatives. Each sha256 and size is the value Hugging Face publishes for the file (its Git
 * LFS object id), cross-checked against several independent public catalogs. Names of the form
 * {@code hf:owner/repo/path/file[@revision]} address any other file; such specs carry no pinned
 * checksum, and {@code s2s models verify} says so. Immutable and thread-safe.
 *
 * @param name        the short name, {@code kind:id}
 * @param repo        the Hugging Face repository, {@code owner/name}
 * @param revision    a commit hash or branch name
 * @param file        the file's path inside the repository
 * @param sha256      the pinned lowercase hex sha256, or {@code null} when none is pinned
 * @param size        the size in bytes, or -1 when unknown
 * @param description a one-line description for listings
 */
public record ModelSpec(String name, String repo, String revision, String file, String sha256, long size,
        String description) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*:[A-Za-z0-9._@/-]+");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    /** Validates. */
    public ModelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(file, "file");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad model name '" + name + "': expected kind:id");
        }
        if (file.isBlank() || file.startsWith("/") || file.contains("..") || file.contains("\\")) {
            throw new IllegalArgumentException("bad file name '" + file + "' for model " + name);
        }
        if (sha256 != null) {
            sha256 = sha256.toLowerCase(Locale.ROOT);
            if (!HEX64.matcher(sha256).matches()) {
                throw new IllegalArgumentException("bad sha256 for model " + name + ": " + sha256);
            }
        }
        description = description == null ? "" : description;
    }

    private static final List<ModelSpec> DEFAULTS = List.of(
            new ModelSpec("whisper:tiny.en", "ggerganov/whisper.cpp", "main", "ggml-tiny.en.bin",
                    "921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f", 77_704_715L,
                    "Whisper tiny, English only (whisper.cpp ggml)"),
            new ModelSpec("whisper:base.en", "ggerganov/whisper.cpp", "main", "ggml-base.en.bin",
                    "a03779c86df3323075f5e796cb2ce5029f00ec8869eee3fdfb897afe36c6d002", 147_964_211L,
                    "Whisper base, English only: the default recognizer"),
            new ModelSpec("whisper:base", "ggerganov/whisper.cpp", "main", "ggml-base.bin",
                    "60ed5bc3dd14eea856493d334349b405782ddcaf0028d4b5df4088345fba2efe", 147_951_465L,
                    "Whisper base, multilingual (for the translation example)"),
            new ModelSpec("whisper:small.en", "ggerganov/whisper.cpp", "main", "ggml-small.en.bin",
                    "c6138d6d58ecc8322097e0f987c32f1be8bb0a18532a3f88f734d1bbf9c41e5d", 487_614_201L,
                    "Whisper small, English only"),
            new ModelSpec("llm:qwen2.5-0.5b-instruct-q4_k_m", "Qwen/Qwen2.5-0.5B-Instruct-GGUF",
                    "9217f5db79a29953eb74d5343926648285ec7e67", "qwen2.5-0.5b-instruct-q4_k_m.gguf",
                    "74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db", 491_400_032L,
                    "Qwen2.5 0.5B Instruct, Q4_K_M: the default language model"),
            new ModelSpec("llm:qwen2.5-1.5b-instruct-q4_k_m", "Qwen/Qwen2.5-1.5B-Instruct-GGUF",
                    "91cad51170dc346986eccefdc2dd33a9da36ead9", "qwen2.5-1.5b-instruct-q4_k_m.gguf",
                    "6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e", -1L,
                    "Qwen2.5 1.5B Instruct, Q4_K_M: better answers, about 1.1 GB"));

    /** The built-in catalog. */
    public static List<ModelSpec> defaults() {
        return DEFAULTS;
    }

    /**
     * The spec for {@code name}: a catalog entry, or an unpinned spec for an
     * {@code hf:owner/repo/path/file[@revision]} name; empty for anything else.
     */
    public static Optional<ModelSpec> lookup(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim();
        for (ModelSpec s : DEFAULTS) {
            if (s.name.equalsIgnoreCase(n)) {
                return Optional.of(s);
            }
        }
        if (n.startsWith("hf:")) {
            String rest = n.substring(3);
            String revision = "main";
            int at = rest.lastIndexOf('@');
            if (at > 0) {
                revision = rest.substring(at + 1);
                rest = rest.substring(0, at);
            }
            String[] parts = rest.split("/", 3);
            if (parts.length < 3 || parts[0].isBlank() || parts[1].isBlank() || parts[2].isBlank()
                    || revision.isBlank()) {
                throw new IllegalArgumentException("bad model name '" + name
                        + "': expected hf:owner/repo/path/file[@revision]");
            }
            return Optional.of(new ModelSpec(n, parts[0] + "/" + parts[1], revision, parts[2], null, -1,
                    "file from " + parts[0] + "/" + parts[1]));
        }
        return Optional.empty();
    }

    /** True when {@code value} looks like a model name ({@code kind:id}) rather than a file path. */
    public static boolean looksLikeName(String value) {
        return value != null && NAME.matcher(value.trim()).matches() && !value.contains("\\")
                && !(value.length() > 1 && value.charAt(1) == ':'); // not a Windows drive path
    }

    /** The part before the colon, e.g. {@code whisper}. */
    public String kind() {
        return name.substring(0, name.indexOf(':'));
    }

    /** Where the file lives under the store's home, e.g. {@code whisper/ggml-base.en.bin}. */
    public String relativePath() {
        if (name.startsWith("hf:")) {
            return "hf/" + repo + "/" + revisionDir() + "/" + file;
        }
        return kind() + "/" + file.substring(file.lastIndexOf('/') + 1);
    }

    private String revisionDir() {
        return revision.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** True when a sha256 is pinned. */
    public boolean pinned() {
        return sha256 != null;
    }
}
