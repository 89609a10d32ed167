package dev.s2s.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.s2s.api.ConfigException;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.cli.ModelSpec;
import dev.s2s.cli.ModelStore;
import picocli.CommandLine.Option;

/**
 * Options every subcommand shares, and the set-up they need: the model store, plugins, the
 * pipeline configuration with model names resolved to files. Not API. Not thread-safe.
 */
public final class Common {

    @Option(names = "--offline", description = "Never touch the network; fail naming any missing model "
            + "(also S2S_OFFLINE=1).")
    boolean offline;

    @Option(names = "--home", paramLabel = "DIR", description = "Model store folder (default: $S2S_HOME, "
            + "else $XDG_CACHE_HOME/s2s, else ~/.cache/s2s).")
    Path home;

    @Option(names = "--endpoint", paramLabel = "URL", description = "Hugging Face endpoint for downloads "
            + "(default: $HF_ENDPOINT, else https://huggingface.co).")
    String endpoint;

    @Option(names = "--plugin", paramLabel = "JAR", description = "Add a provider plugin jar (repeatable), "
            + "e.g. examples/espeak-plugin/target/s2s-espeak-plugin.jar.")
    List<Path> plugins = new ArrayList<>();

    @Option(names = {"-v", "--verbose"}, description = "More log output (-vv for debug).")
    boolean[] verbose = new boolean[0];

    private Terminal terminal;
    private ModelStore store;

    /** The log level the options ask for. */
    public String logLevel() {
        return verbose.length >= 2 ? "debug" : verbose.length == 1 ? "info" : "warn";
    }

    /** Sets the terminal to print to. */
    public void terminal(Terminal t) {
        terminal = t;
    }

    /** The terminal. */
    public Terminal terminal() {
        return terminal;
    }

    /** The model store, configured from the environment and these options. */
    public ModelStore store() {
        if (store == null) {
            Map<String, String> env = new java.util.HashMap<>(System.getenv());
            if (home != null) {
                env.put("S2S_HOME", home.toString());
            }
            if (endpoint != null) {
                env.put("HF_ENDPOINT", endpoint);
            }
            store = ModelStore.fromEnvironment(env, offline);
        }
        return store;
    }

    /** Puts the plugin jars on a child class loader that {@link S2s} searches. */
    public void loadPlugins() {
        if (plugins.isEmpty()) {
            return;
        }
        List<URL> urls = new ArrayList<>();
        for (Path p : plugins) {
            if (!Files.isRegularFile(p) && !Files.isDirectory(p)) {
                throw new ConfigException("--plugin " + p + ": no such jar");
            }
            try {
                urls.add(p.toAbsolutePath().toUri().toURL());
            } catch (MalformedURLException e) {
                throw new ConfigException("--plugin " + p + ": " + e.getMessage(), e);
            }
        }
        ClassLoader parent = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(new URLClassLoader(urls.toArray(URL[]::new),
                parent == null ? Common.class.getClassLoader() : parent));
        S2s.reload();
    }

    /** Reads {@code file}, or the built-in default pipeline configuration when null. */
    public static ProviderConfig loadConfig(Path file) {
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("--config " + file + ": no such file");
            }
            return ProviderConfig.read(file);
        }
        try (InputStream in = Common.class.getResourceAsStream("/dev/s2s/cli/pipeline.json")) {
            if (in == null) {
                throw new ConfigException("the built-in pipeline.json is missing from the jar");
            }
            ProviderConfig c = ProviderConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return ProviderConfig.of(c.json(), Path.of("").toAbsolutePath());
        } catch (IOException e) {
            throw new ConfigException("cannot read the built-in pipeline.json: " + e.getMessage(), e);
        }
    }

    /**
     * A copy of {@code config} with every model name ({@code whisper:base.en}, {@code hf:...}) in the
     * given sections (all when none are given) replaced by the path of its file, fetching missing
     * files (or, offline, failing with all missing names). Other sections are left alone, so a
     * command never fetches a model it does not use.
     */
    public ProviderConfig resolveModels(ProviderConfig config, String... sections) {
        ObjectNode json = config.json();
        if (sections.length > 0) {
            Set<String> keep = Set.of(sections);
            List<String> drop = new ArrayList<>();
            json.fieldNames().forEachRemaining(k -> {
                if (json.get(k).isObject() && !keep.contains(k)) {
                    drop.add(k);
                }
            });
            json.remove(drop);
        }
        List<TextNode> found = new ArrayList<>();
        collect(json, found);
        Set<ModelSpec> specs = new LinkedHashSet<>();
        for (TextNode t : found) {
            specs.add(store().spec(t.asText()));
        }
        if (store().offline()) {
            store().requirePresent(List.copyOf(specs));
        }
        replace(json, t -> store().fetch(store().spec(t), terminal.downloads()).toAbsolutePath().toString());
        return ProviderConfig.of(json, config.baseDir());
    }

    private static boolean isModelRef(String v) {
        if (!ModelSpec.looksLikeName(v)) {
            return false;
        }
        String kind = v.substring(0, v.indexOf(':'));
        return kind.equals("hf") || ModelSpec.defaults().stream().anyMatch(s -> s.kind().equals(kind));
    }

    private static void collect(JsonNode n, List<TextNode> out) {
        if (n instanceof TextNode t && isModelRef(t.asText())) {
            out.add(t);
        }
        n.elements().forEachRemaining(c -> collect(c, out));
    }

    private static void replace(JsonNode n, java.util.function.UnaryOperator<String> f) {
        if (n instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue() instanceof TextNode t && isModelRef(t.asText())) {
                    e.setValue(TextNode.valueOf(f.apply(t.asText())));
                } else {
                    replace(e.getValue(), f);
                }
            }
        } else if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) instanceof TextNode t && isModelRef(t.asText())) {
                    a.set(i, TextNode.valueOf(f.apply(t.asText())));
                } else {
                    replace(a.get(i), f);
                }
            }
        }
    }

    /** {@code config} with {@code key} of section {@code section} set (null values are skipped). */
    public static ProviderConfig set(ProviderConfig config, String section, String key, Object value) {
        if (value == null) {
            return config;
        }
        ObjectNode sec = config.child(section).json();
        ProviderConfig updated = ProviderConfig.of(sec, config.baseDir()).with(key, value);
        return config.with(section, updated.json());
    }
}
