package dev.s2s.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.s2s.api.ConfigException;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.ModelFormatException;
import dev.s2s.formats.Npy;
import dev.s2s.formats.NpyArray;

/**
 * A speech dataset on disk, as written by {@link DatasetBuilder}: a folder with
 * {@code manifest.jsonl} (one {@link DatasetEntry} per line), {@code sentences.txt}, and the
 * feature ({@code .npy}) and audio ({@code .wav}) files the manifest names.
 *
 * <p>Immutable and thread-safe.
 */
public final class Dataset {

    /** The manifest file name. */
    public static final String MANIFEST = "manifest.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final List<DatasetEntry> entries;

    private Dataset(Path dir, List<DatasetEntry> entries) {
        this.dir = dir;
        this.entries = List.copyOf(entries);
    }

    /**
     * Reads the manifest of the dataset in {@code dir}. A later line with the same id replaces an
     * earlier one; a truncated last line (an interrupted write) is ignored.
     *
     * @throws ModelFormatException when the manifest is missing or a complete line is invalid
     */
    public static Dataset open(Path dir) {
        Path m = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(m)) {
            throw new ModelFormatException("no dataset manifest: " + m);
        }
        Map<String, DatasetEntry> byId = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(m, StandardCharsets.UTF_8)) {
            List<String> lines = r.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                try {
                    DatasetEntry e = fromJson(JSON.readTree(line));
                    byId.put(e.id(), e);
                } catch (IOException | RuntimeException ex) {
                    if (i == lines.size() - 1) {
                        continue; // an interrupted append
                    }
                    throw new ModelFormatException(m + ": line " + (i + 1) + " is not a valid entry: " + ex.getMessage(),
                            ex);
                }
            }
        } catch (IOException e) {
            throw new ModelFormatException("cannot read " + m + ": " + e.getMessage(), e);
        }
        return new Dataset(dir, new ArrayList<>(byId.values()));
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    /** The entries in manifest order. */
    public List<DatasetEntry> entries() {
        return entries;
    }

    /** The distinct voices, in order of first appearance. */
    public List<String> voices() {
        Set<String> v = new LinkedHashSet<>();
        entries.forEach(e -> v.add(e.voice()));
        return List.copyOf(v);
    }

    /** Loads the features of every entry as utterances. */
    public List<Utterance> utterances() {
        return load(entries);
    }

    /** Loads the features of {@code selected} entries as utterances. */
    public List<Utterance> load(List<DatasetEntry> selected) {
        List<Utterance> out = new ArrayList<>(selected.size());
        for (DatasetEntry e : selected) {
            out.add(load(e));
        }
        return out;
    }

    /** Loads one entry's features. */
    public Utterance load(DatasetEntry e) {
        NpyArray a = Npy.read(dir.resolve(e.features()));
        int[] shape = a.shape();
        if (shape.length != 2 || shape[0] != e.frames() || shape[1] != e.dim()) {
            throw new ModelFormatException(dir.resolve(e.features()) + ": shape " + java.util.Arrays.toString(shape)
                    + " does not match the manifest's " + e.frames() + " x " + e.dim());
        }
        return new Utterance(e.id(), e.text(), e.tokens(), e.voice(),
                new EmbeddingSequence(a.data(), e.frames(), e.dim(), e.framesPerSecond()));
    }

    /**
     * Splits by sentence so that held-out text is unseen in training: {@code heldOutSentences}
     * distinct sentences (all their voices) are chosen at random with {@code seed}.
     *
     * @return {@code [train, heldOut]}
     */
    public List<List<DatasetEntry>> splitBySentence(int heldOutSentences, long seed) {
        List<Integer> ids = new ArrayList<>(new LinkedHashSet<>(entries.stream().map(DatasetEntry::sentence).toList()));
        Collections.shuffle(ids, new Random(seed));
        Set<Integer> held = Set.copyOf(ids.subList(0, Math.min(heldOutSentences, ids.size())));
        List<DatasetEntry> tr = new ArrayList<>();
        List<DatasetEntry> ho = new ArrayList<>();
        for (DatasetEntry e : entries) {
            (held.contains(e.sentence()) ? ho : tr).add(e);
        }
        return List.of(tr, ho);
    }

    /**
     * The entries of the first {@code maxSentences} distinct sentences of {@code entries} (all their
     * voices), in order: caps a training set by sentences rather than utterances.
     */
    public static List<DatasetEntry> firstSentences(List<DatasetEntry> entries, int maxSentences) {
        Set<Integer> kept = new LinkedHashSet<>();
        List<DatasetEntry> out = new ArrayList<>();
        for (DatasetEntry e : entries) {
            if (kept.contains(e.sentence()) || kept.size() < maxSentences) {
                kept.add(e.sentence());
                out.add(e);
            }
        }
        return out;
    }

    /**
     * The entries of {@code entries} (e.g. a training split) spoken by one of {@code voices}, in
     * order: trains on some voices while the held-out set keeps every voice, so a voice left out
     * is scored as unseen.
     *
     * @throws ConfigException when {@code voices} is empty or names a voice this dataset does not
     *                         have (the message lists the voices it has)
     */
    public List<DatasetEntry> ofVoices(List<DatasetEntry> entries, Collection<String> voices) {
        if (voices == null || voices.isEmpty()) {
            throw new ConfigException("no voices given to select from the dataset");
        }
        List<String> present = voices();
        for (String v : voices) {
            if (!present.contains(v)) {
                throw new ConfigException("voice '" + v + "' is not in the dataset; it has " + present);
            }
        }
        Set<String> wanted = Set.copyOf(voices);
        return entries.stream().filter(e -> wanted.contains(e.voice())).toList();
    }

    static ObjectNode toJson(DatasetEntry e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", e.id());
        n.put("sentence", e.sentence());
        n.put("text", e.text());
        ArrayNode t = n.putArray("tokens");
        for (int id : e.tokens()) {
            t.add(id);
        }
        n.put("voice", e.voice());
        if (e.audio() != null) {
            n.put("audio", e.audio());
        }
        n.put("features", e.features());
        n.put("frames", e.frames());
        n.put("dim", e.dim());
        n.put("fps", e.framesPerSecond());
        n.put("seconds", e.seconds());
        return n;
    }

    static DatasetEntry fromJson(JsonNode n) {
        JsonNode t = n.get("tokens");
        if (t == null || !t.isArray()) {
            throw new IllegalArgumentException("missing tokens");
        }
        int[] tok = new int[t.size()];
        for (int i = 0; i < tok.length; i++) {
            tok[i] = t.get(i).intValue();
        }
        return new DatasetEntry(req(n, "id").asText(), req(n, "sentence").intValue(), req(n, "text").asText(), tok,
                req(n, "voice").asText(), n.hasNonNull("audio") ? n.get("audio").asText() : null,
                req(n, "features").asText(), req(n, "frames").intValue(), req(n, "dim").intValue(),
                req(n, "fps").doubleValue(), n.path("seconds").asDouble(0));
    }

    private static JsonNode req(JsonNode n, String k) {
        JsonNode v = n.get(k);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing '" + k + "'");
        }
        return v;
    }

    static String line(DatasetEntry e) {
        try {
            return JSON.writeValueAsString(toJson(e));
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
