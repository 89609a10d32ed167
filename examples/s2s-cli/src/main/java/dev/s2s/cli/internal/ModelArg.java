package dev.s2s.cli.internal;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.s2s.cli.ModelSpec;

/** A model given on the command line: a store name ({@code whisper:base.en}) or a file. Not API. Stateless. */
final class ModelArg {

    private ModelArg() {
    }

    /** A store name as is (resolved later); a file as an absolute path. */
    static String value(String arg) {
        if (ModelSpec.looksLikeName(arg) && !Files.exists(Path.of(arg))) {
            return arg;
        }
        return Path.of(arg).toAbsolutePath().toString();
    }
}
