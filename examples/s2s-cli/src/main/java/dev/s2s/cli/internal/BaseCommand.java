package dev.s2s.cli.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.s2s.api.AudioClip;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.Wav;
import dev.s2s.cli.Main;
import picocli.CommandLine.Mixin;

/** Shared plumbing of the subcommands. Not API. Not thread-safe. */
abstract class BaseCommand implements Callable<Integer>, Main.TerminalAware {

    @Mixin
    Common common;

    Terminal term;

    @Override
    public void terminal(Terminal t) {
        term = t;
        common.terminal(t);
    }

    @Override
    public final Integer call() throws Exception {
        common.loadPlugins();
        return execute();
    }

    /** The command's work; returns the exit code. */
    abstract int execute() throws Exception;

    /** Reads a WAV file, with a message naming it. */
    static AudioClip readWav(Path in) {
        if (!Files.isRegularFile(in)) {
            throw new UncheckedIOException(new IOException("no such input file: " + in));
        }
        try {
            return Wav.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + in + ": " + e.getMessage(), e);
        }
    }

    /** Writes a WAV file (16-bit PCM), creating folders. */
    static void writeWav(AudioClip clip, Path out) {
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Wav.write(clip, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    /** The configuration with the models of {@code sections} (all when none) resolved to files. */
    ProviderConfig resolved(ProviderConfig config, String... sections) {
        return common.resolveModels(config, sections);
    }
}
