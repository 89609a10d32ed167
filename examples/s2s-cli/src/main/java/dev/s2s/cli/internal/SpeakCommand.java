package dev.s2s.cli.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.s2s.api.AudioClip;
import dev.s2s.api.ConfigException;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.api.SpeechSynthesizer;
import dev.s2s.api.SynthesisOptions;
import dev.s2s.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code s2s speak}: text to a WAV file. Not API. Not thread-safe: one invocation per instance. */
@Command(name = "speak", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Text to speech with the configuration's synthesizer (default: MaryTTS, offline), "
                + "or any installed one with --tts (e.g. gtts, or espeak with --plugin).")
public final class SpeakCommand extends BaseCommand {

    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "What to say.")
    List<String> text;

    @Option(names = "--out", paramLabel = "WAV", defaultValue = "speech.wav", description = "Output file "
            + "(default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--tts", paramLabel = "PROVIDER", description = "Synthesizer provider, e.g. marytts, gtts, espeak.")
    String provider;

    @Option(names = "--voice", paramLabel = "NAME", description = "Voice name.")
    String voice;

    @Option(names = "--language", paramLabel = "CODE", description = "Language, e.g. en, fr (where supported).")
    String language;

    @Option(names = "--slow", description = "Speak slowly (where supported).")
    boolean slow;

    @Option(names = "--rate", paramLabel = "HZ", description = "Resample the output to this rate (e.g. 16000).")
    Integer rate;

    @Option(names = "--list-voices", description = "List the synthesizer's voices and exit.")
    boolean listVoices;

    @Option(names = "--config", paramLabel = "JSON", description = "Take the synthesizer section from this configuration.")
    Path config;

    /** Used by picocli. */
    public SpeakCommand() {
    }

    @Override
    int execute() {
        ProviderConfig cfg = Common.loadConfig(config);
        if (provider != null) {
            cfg = cfg.with("synthesizer", java.util.Map.of("provider", provider));
        }
        ProviderConfig tts = resolved(cfg, "synthesizer").child("synthesizer");
        if (!tts.has("provider")) {
            throw new ConfigException("the configuration has no synthesizer section with a \"provider\"");
        }
        SynthesisOptions o = SynthesisOptions.builder().voice(voice != null ? voice : tts.string("voice"))
                .language(language != null ? language : tts.string("language")).slow(slow).build();
        try (SpeechSynthesizer s = S2s.synthesizer(tts.provider(), tts)) {
            if (listVoices) {
                s.voices().forEach(term.out()::println);
                return ExitCodes.OK;
            }
            long t0 = System.nanoTime();
            AudioClip clip = s.synthesize(String.join(" ", text), o);
            double sec = (System.nanoTime() - t0) / 1e9;
            if (rate != null) {
                clip = clip.resample(rate);
            }
            writeWav(clip, out);
            term.out().printf(Locale.ROOT, "%s: %.2f s of audio at %d Hz (synthesized in %.2f s, RTF %.3f)%n", out,
                    clip.seconds(), clip.sampleRate(), sec, clip.seconds() > 0 ? sec / clip.seconds() : 0.0);
            return ExitCodes.OK;
        }
    }
}
