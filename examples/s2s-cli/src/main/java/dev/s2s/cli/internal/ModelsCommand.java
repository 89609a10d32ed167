package dev.s2s.cli.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.s2s.cli.ExitCodes;
import dev.s2s.cli.ModelSpec;
import dev.s2s.cli.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code s2s models list|pull|verify}. Not API. Not thread-safe: one invocation per instance. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "The model store: list, download and check the models the pipelines use.",
        subcommands = {ModelsCommand.ListCmd.class, ModelsCommand.PullCmd.class, ModelsCommand.VerifyCmd.class})
public final class ModelsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Used by picocli. */
    public ModelsCommand() {
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The model names a configuration refers to. */
    static List<String> referenced(Path config) {
        Set<String> out = new LinkedHashSet<>();
        collect(Common.loadConfig(config).json(), out);
        return List.copyOf(out);
    }

    private static void collect(JsonNode n, Set<String> out) {
        if (n.isTextual() && ModelSpec.looksLikeName(n.asText())) {
            ModelSpec.lookup(n.asText()).ifPresent(s -> out.add(s.name()));
        }
        n.elements().forEachRemaining(c -> collect(c, out));
    }

    private static String size(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }

    /** {@code s2s models list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the known models and whether "
            + "each is in the store.")
    public static final class ListCmd extends BaseCommand {
        /** Used by picocli. */
        public ListCmd() {
        }

        @Override
        int execute() {
            ModelStore store = common.store();
            term.out().println("store: " + store.home() + (store.offline() ? " (offline)" : ""));
            term.out().printf(Locale.ROOT, "%-34s %-8s %8s  %s%n", "name", "status", "size", "description");
            for (ModelSpec s : ModelSpec.defaults()) {
                term.out().printf(Locale.ROOT, "%-34s %-8s %8s  %s%n", s.name(), store.isPresent(s) ? "present" : "-",
                        size(s.size()), s.description());
            }
            term.out().println("default pipeline uses: " + String.join(", ", referenced(null)));
            return ExitCodes.OK;
        }
    }

    /** {@code s2s models pull}. */
    @Command(name = "pull", mixinStandardHelpOptions = true, description = {"Download models (resuming, checked "
            + "against their pinned sha256). Without names: the models the default pipeline (or --config) uses."})
    public static final class PullCmd extends BaseCommand {
        @Parameters(paramLabel = "NAME", arity = "0..*", description = "Model names, e.g. whisper:tiny.en, or "
                + "hf:owner/repo/file.")
        List<String> names = new ArrayList<>();

        @Option(names = "--config", paramLabel = "JSON", description = "Pull the models this configuration uses.")
        Path config;

        /** Used by picocli. */
        public PullCmd() {
        }

        @Override
        int execute() {
            ModelStore store = common.store();
            List<String> want = names.isEmpty() ? referenced(config) : names;
            List<ModelSpec> specs = want.stream().map(store::spec).toList();
            if (store.offline()) {
                store.requirePresent(specs);
            }
            for (ModelSpec s : specs) {
                boolean had = store.isPresent(s);
                Path p = store.fetch(s, term.downloads());
                term.out().println(s.name() + " -> " + p + (had ? " (already present)" : ""));
            }
            return ExitCodes.OK;
        }
    }

    /** {@code s2s models verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true, description = {"Recompute the sha256 of model files "
            + "and compare with the pinned values. Without names: every known model that is present.",
        "Exit code 8 when a file mismatches, or a named model is missing."})
    public static final class VerifyCmd extends BaseCommand {
        @Parameters(paramLabel = "NAME", arity = "0..*", description = "Model names.")
        List<String> names = new ArrayList<>();

        /** Used by picocli. */
        public VerifyCmd() {
        }

        @Override
        int execute() {
            ModelStore store = common.store();
            List<ModelSpec> specs = names.isEmpty()
                    ? ModelSpec.defaults().stream().filter(store::isPresent).toList()
                    : names.stream().map(store::spec).toList();
            if (specs.isEmpty()) {
                term.out().println("no models in " + store.home() + "; nothing to verify");
                return ExitCodes.OK;
            }
            int code = ExitCodes.OK;
            for (ModelSpec s : specs) {
                ModelStore.Verification v = store.verify(s);
                String line = switch (v.status()) {
                    case OK -> "ok        " + s.name() + "  sha256 " + v.sha256();
                    case UNPINNED -> "unpinned  " + s.name() + "  sha256 " + v.sha256()
                            + "  (no published checksum to compare with)";
                    case MISSING -> "missing   " + s.name() + "  (" + v.file() + ")";
                    case MISMATCH -> "MISMATCH  " + s.name() + "  sha256 " + v.sha256() + ", pinned " + s.sha256()
                            + "  (" + v.file() + "; delete it and pull again)";
                };
                term.out().println(line);
                if (v.status() == ModelStore.Status.MISSING || v.status() == ModelStore.Status.MISMATCH) {
                    code = ExitCodes.VERIFY_FAILED;
                }
            }
            return code;
        }
    }
}
