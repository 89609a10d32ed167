package dev.s2s.cli.internal;

import java.nio.file.Path;
import java.util.Locale;

import dev.s2s.api.ConfigException;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.RecognitionOptions;
import dev.s2s.api.S2s;
import dev.s2s.api.Segment;
import dev.s2s.api.SpeechRecognizer;
import dev.s2s.api.Transcript;
import dev.s2s.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code s2s transcribe}: speech to text. Not API. Not thread-safe: one invocation per instance. */
@Command(name = "transcribe", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Speech to text with the configuration's recognizer (default: Whisper base.en).")
public final class TranscribeCommand extends BaseCommand {

    @Option(names = "--in", paramLabel = "WAV", required = true, description = "The speech, a WAV file.")
    Path in;

    @Option(names = "--model", paramLabel = "NAME|FILE", description = "Recognizer model: a store name such as "
            + "whisper:tiny.en, or a file.")
    String model;

    @Option(names = "--language", paramLabel = "CODE", description = "Spoken language, e.g. en; default: detect.")
    String language;

    @Option(names = "--translate", description = "Translate the speech to English.")
    boolean translate;

    @Option(names = "--segments", description = "Print timed segments.")
    boolean segments;

    @Option(names = "--config", paramLabel = "JSON", description = "Take the recognizer section from this pipeline "
            + "configuration.")
    Path config;

    /** Used by picocli. */
    public TranscribeCommand() {
    }

    @Override
    int execute() {
        var audio = readWav(in);
        ProviderConfig cfg = Common.set(Common.loadConfig(config), "recognizer", "model", model);
        ProviderConfig rec = resolved(cfg, "recognizer").child("recognizer");
        if (!rec.has("provider")) {
            throw new ConfigException("the configuration has no recognizer section with a \"provider\"");
        }
        RecognitionOptions.Builder ob = RecognitionOptions.builder().translate(translate);
        ob.language(language != null ? language : rec.string("language"));
        try (SpeechRecognizer r = S2s.recognizer(rec.provider(), rec)) {
            long t0 = System.nanoTime();
            Transcript t = r.transcribe(audio, ob.build());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (t.isEmpty()) {
                term.err().println("no speech heard in " + in);
                return ExitCodes.NO_SPEECH;
            }
            if (segments) {
                for (Segment s : t.segments()) {
                    term.out().printf(Locale.ROOT, "[%7.2f -> %7.2f] %s%n", s.start().toMillis() / 1000.0,
                            s.end().toMillis() / 1000.0, s.text().strip());
                }
            } else {
                term.out().println(t.text().strip());
            }
            term.err().printf(Locale.ROOT, "%.2f s of audio in %d ms (language %s)%n", audio.seconds(), ms,
                    t.language() == null ? "unknown" : t.language());
            return ExitCodes.OK;
        }
    }
}
