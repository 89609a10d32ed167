package dev.s2s.cli;

import java.io.PrintStream;
import java.io.PrintWriter;

import dev.s2s.cli.internal.BenchCommand;
import dev.s2s.cli.internal.DatasetCommand;
import dev.s2s.cli.internal.EvalProjectorCommand;
import dev.s2s.cli.internal.GenerateCommand;
import dev.s2s.cli.internal.LiveCommand;
import dev.s2s.cli.internal.ModelsCommand;
import dev.s2s.cli.internal.ProvidersCommand;
import dev.s2s.cli.internal.RunCommand;
import dev.s2s.cli.internal.SnapCommand;
import dev.s2s.cli.internal.SpeakCommand;
import dev.s2s.cli.internal.Terminal;
import dev.s2s.cli.internal.TrainProjectorCommand;
import dev.s2s.cli.internal.TranscribeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code s2s} command line: speech to speech from the shell. Run {@code s2s --help}, or
 * {@code s2s <command> --help}. Exit codes are listed in {@link ExitCodes}.
 *
 * <p>Not thread-safe: one invocation per process (it sets the log level and the context class
 * loader).
 */
@Command(name = "s2s", mixinStandardHelpOptions = true, version = "s2s 0.1.0-SNAPSHOT",
        description = {"Speech to speech on the JVM: speech recognition, a language model and speech synthesis, "
                + "with swappable providers.", ""},
        subcommands = {RunCommand.class, LiveCommand.class, TranscribeCommand.class, GenerateCommand.class,
            SpeakCommand.class, SnapCommand.class, ModelsCommand.class, BenchCommand.class, ProvidersCommand.class,
            TrainProjectorCommand.class, EvalProjectorCommand.class, DatasetCommand.class,
            CommandLine.HelpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {"  s2s models pull          fetch the default models (Whisper base.en, Qwen2.5 0.5B)",
            "  s2s run --in question.wav --out reply.wav",
            "  s2s run --text \"Tell me a joke\" --out reply.wav",
            "  s2s speak \"Hello there\" --out hello.wav",
            "  s2s bench --text \"Once upon a time\" -n 10 --json bench.json",
            "  s2s train-projector --llm-model stories260K.gguf --data data --recipe A1 --out out/a1",
            "",
            "Environment: S2S_HOME (model store), S2S_OFFLINE=1, HF_ENDPOINT, HF_TOKEN.",
            "Exit codes: 0 ok, 1 run-time failure, 2 usage, 3 configuration,",
            "            4 model missing, 5 download failed, 6 no audio device,",
            "            7 no speech heard, 8 verification failed, 9 file I/O."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Used by picocli. */
    public Main() {
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs and exits with the command's exit code. */
    public static void main(String[] args) {
        System.exit(run(System.out, System.err, Terminal.isTerminal(), args));
    }

    /**
     * Runs one command line and returns its exit code, printing results to {@code out} and
     * messages to {@code err}.
     */
    public static int run(PrintStream out, PrintStream err, boolean interactive, String... args) {
        String level = "warn";
        for (String a : args) {
            if (a.equals("-vv")) {
                level = "debug";
            } else if ((a.equals("-v") || a.equals("--verbose")) && !level.equals("debug")) {
                level = "info";
            }
        }
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        // MaryTTS warns about routine things (e.g. "Locale is null, overriding with en").
        if (System.getProperty("org.slf4j.simpleLogger.log.marytts") == null && level.equals("warn")) {
            System.setProperty("org.slf4j.simpleLogger.log.marytts", "error");
        }
        Terminal terminal = new Terminal(out, err, interactive);
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionStrategy(parseResult -> {
            for (CommandLine c : parseResult.asCommandLineList()) {
                if (c.getCommand() instanceof TerminalAware t) {
                    t.terminal(terminal);
                }
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            int code = ExitCodes.of(ex);
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            err.println("s2s " + commandLine.getCommandName() + ": " + msg);
            if (code == ExitCodes.FAILURE && (ex.getCause() != null || !(ex instanceof dev.s2s.api.S2sException))) {
                for (Throwable c = ex.getCause(); c != null; c = c.getCause()) {
                    err.println("  caused by: " + c);
                }
                if (!(ex instanceof dev.s2s.api.S2sException)) {
                    err.println("  (run with -v for details)");
                    org.slf4j.LoggerFactory.getLogger(Main.class).info("stack trace", ex);
                }
            }
            return code;
        });
        return cl.execute(args);
    }

    /** A command that prints through a {@link Terminal}. */
    public interface TerminalAware {
        /** @param t where to print */
        void terminal(Terminal t);
    }
}
