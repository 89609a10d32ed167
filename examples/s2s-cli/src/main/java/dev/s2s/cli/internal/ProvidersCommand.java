package dev.s2s.cli.internal;

import java.util.List;
import java.util.Map;

import dev.s2s.api.S2s;
import dev.s2s.cli.ExitCodes;
import picocli.CommandLine.Command;

/** {@code s2s providers}: what {@link S2s} found on the class path. Not API. Not thread-safe: one invocation per instance. */
@Command(name = "providers", mixinStandardHelpOptions = true,
        description = "List the installed providers by kind (add plugins with --plugin).")
public final class ProvidersCommand extends BaseCommand {

    /** Used by picocli. */
    public ProvidersCommand() {
    }

    @Override
    int execute() {
        for (Map.Entry<String, List<String>> e : S2s.installed().entrySet()) {
            term.out().println(e.getKey() + ": " + (e.getValue().isEmpty() ? "(none)" : String.join(", ", e.getValue())));
        }
        return ExitCodes.OK;
    }

}
