package dev.s2s.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A typed, immutable view over one provider's JSON configuration, e.g.
 * {@code {"provider": "whisper", "model": "ggml-base.en.bin", "language": "en"}}.
 *
 * <p>Relative paths resolve against the folder of the file the configuration came from (or the
 * working directory). Missing required keys and values of the wrong type raise
 * {@link ConfigException} naming the key. Thread-safe.
 */
public final class ProviderConfig {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ObjectNode node;
    private final Path baseDir;

    private ProviderConfig(ObjectNode node, Path baseDir) {
        this.node = node.deepCopy();
        this.baseDir = baseDir;
    }

    /** An empty configuration. */
    public static ProviderConfig empty() {
        return new ProviderConfig(MAPPER.createObjectNode(), Path.of(""));
    }

    /** A configuration over a copy of {@code node}; relative paths resolve against {@code baseDir}. */
    public static ProviderConfig of(ObjectNode node, Path baseDir) {
        return new ProviderConfig(node, baseDir == null ? Path.of("") : baseDir);
    }

    /** A configuration from simple key/value pairs (strings, numbers, booleans, lists). */
    public static ProviderConfig of(Map<String, ?> values) {
        return new ProviderConfig(MAPPER.valueToTree(values), Path.of(""));
    }

    /** Parses a JSON object. */
    public static ProviderConfig parse(String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            if (!(n instanceof ObjectNode o)) {
                throw new ConfigException("configuration must be a JSON object, got: " + abbreviate(json));
            }
            return new ProviderConfig(o, Path.of(""));
        } catch (JsonProcessingException e) {
            throw new ConfigException("invalid JSON configuration: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads a JSON object from a file; relative paths in it resolve against the file's folder. */
    public static ProviderConfig read(Path file) {
        try {
            JsonNode n = MAPPER.readTree(Files.readString(file));
            if (!(n instanceof ObjectNode o)) {
                throw new ConfigException(file + ": configuration must be a JSON object");
            }
            Path parent = file.toAbsolutePath().getParent();
            return new ProviderConfig(o, parent == null ? Path.of("") : parent);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration " + file + ": " + e.getMessage(), e);
        }
    }

    /** The {@code "provider"} value, or {@code null}. */
    public String provider() {
        return string("provider");
    }

    /** True when {@code key} is present and not null. */
    public boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /** The keys present. */
    public List<String> keys() {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** A string value, or {@code null} when absent. */
    public String string(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw new ConfigException("'" + key + "' must be a string, got " + v.getNodeType());
        }
        return v.asText();
    }

    /** A string value, or {@code def} when absent. */
    public String string(String key, String def) {
        String v = string(key);
        return v == null ? def : v;
    }

    /** A required string value. */
    public String requireString(String key) {
        String v = string(key);
        if (v == null || v.isBlank()) {
            throw new ConfigException("missing required setting '" + key + "'" + forProvider());
        }
        return v;
    }

    /** An integer value, or {@code def} when absent. */
    public int integer(String key, int def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (v.isTextual()) {
            try {
                return Integer.parseInt(v.asText().trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new ConfigException("'" + key + "' must be an integer, got " + v);
    }

    /** A long value, or {@code def} when absent. */
    public long longValue(String key, long def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        throw new ConfigException("'" + key + "' must be an integer, got " + v);
    }

    /** A number, or {@code def} when absent. */
    public double number(String key, double def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            try {
                return Double.parseDouble(v.asText().trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new ConfigException("'" + key + "' must be a number, got " + v);
    }

    /** A boolean, or {@code def} when absent. */
    public boolean bool(String key, boolean def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(v.asText());
        }
        throw new ConfigException("'" + key + "' must be true or false, got " + v);
    }

    /** A list of strings (a single string counts as a list of one), empty when absent. */
    public List<String> strings(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (v.isValueNode()) {
            return List.of(v.asText());
        }
        if (!v.isArray()) {
            throw new ConfigException("'" + key + "' must be a list of strings, got " + v.getNodeType());
        }
        List<String> out = new ArrayList<>();
        for (Iterator<JsonNode> it = v.elements(); it.hasNext();) {
            JsonNode e = it.next();
            if (!e.isValueNode()) {
                throw new ConfigException("'" + key + "' must be a list of strings, found " + e.getNodeType());
            }
            out.add(e.asText());
        }
        return List.copyOf(out);
    }

    /** A path resolved against the base folder, or {@code null} when absent. */
    public Path path(String key) {
        String v = string(key);
        return v == null ? null : resolve(v);
    }

    /** Resolves {@code value} against the base folder. */
    public Path resolve(String value) {
        Path p = Path.of(value.startsWith("~/") ? System.getProperty("user.home") + value.substring(1) : value);
        return p.isAbsolute() ? p : baseDir.resolve(p).toAbsolutePath().normalize();
    }

    /** A required path to an existing regular file. */
    public Path requireFile(String key) {
        Path p = resolve(requireString(key));
        if (!Files.isRegularFile(p)) {
            throw new ConfigException("'" + key + "' names a file that does not exist: " + p + forProvider());
        }
        return p;
    }

    /** A nested object, or an empty configuration when absent; shares the base folder. */
    public ProviderConfig child(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return new ProviderConfig(MAPPER.createObjectNode(), baseDir);
        }
        if (!(v instanceof ObjectNode o)) {
            throw new ConfigException("'" + key + "' must be an object, got " + v.getNodeType());
        }
        return new ProviderConfig(o, baseDir);
    }

    /** A copy with {@code key} set to {@code value} (string, number, boolean, list or map). */
    public ProviderConfig with(String key, Object value) {
        ObjectNode copy = node.deepCopy();
        copy.set(key, MAPPER.valueToTree(value));
        return new ProviderConfig(copy, baseDir);
    }

    /** The folder relative paths resolve against. */
    public Path baseDir() {
        return baseDir;
    }

    /** A copy of the JSON. */
    public ObjectNode json() {
        return node.deepCopy();
    }

    private String forProvider() {
        String p = node.hasNonNull("provider") ? node.get("provider").asText() : null;
        return p == null ? "" : " (provider '" + p + "')";
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    @Override
    public String toString() {
        return node.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProviderConfig c && c.node.equals(node) && c.baseDir.equals(baseDir);
    }

    @Override
    public int hashCode() {
        return node.hashCode();
    }
}
