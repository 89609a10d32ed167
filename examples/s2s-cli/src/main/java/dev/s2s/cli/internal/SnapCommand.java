package dev.s2s.cli.internal;

import java.nio.file.Path;
import java.util.Locale;

import dev.s2s.api.AudioEncoder;
import dev.s2s.api.ConfigException;
import dev.s2s.api.EmbeddingProjector;
import dev.s2s.api.EmbeddingSequence;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.Metric;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.S2s;
import dev.s2s.api.SnapOptions;
import dev.s2s.api.SnapResult;
import dev.s2s.api.TokenMatrix;
import dev.s2s.api.TokenSnapper;
import dev.s2s.api.Vocabulary;
import dev.s2s.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code s2s snap}: the first half of the token path, printing the snapped tokens. Not API. Not thread-safe: one invocation per instance. */
@Command(name = "snap", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The token path up to the language model: audio encoder -> projector -> snapper. Prints "
                + "every emitted token with its input frame, score and margin (best minus second-best score: "
                + "the snapper's confidence), then the tokens as text.",
            "Needs a token-method configuration with encoder, projector, snapper and llm sections "
                + "(see examples/pipeline-tokens.json)."})
public final class SnapCommand extends BaseCommand {

    @Option(names = "--in", paramLabel = "WAV", required = true, description = "The speech, a WAV file.")
    Path in;

    @Option(names = "--config", paramLabel = "JSON", required = true, description = "Token-method pipeline configuration.")
    Path config;

    @Option(names = "--projector", paramLabel = "JSON", description = "Projector configuration file (overrides "
            + "projector.config).")
    Path projector;

    @Option(names = "--metric", paramLabel = "cosine|inner_product|l2", description = "Similarity (default: the "
            + "configuration's, else cosine).")
    String metric;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "2", description = "Candidates per frame "
            + "(default ${DEFAULT-VALUE}; at least 2 for margins).")
    int topK;

    @Option(names = "--keep-repeats", description = "Do not collapse consecutive repeats.")
    boolean keepRepeats;

    @Option(names = "--exclude-special", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Never emit control, byte or unused tokens (default: on).")
    boolean excludeSpecial;

    /** Used by picocli. */
    public SnapCommand() {
    }

    private static Metric metric(String v) {
        String n = v.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (n.equals("DOT")) {
            return Metric.INNER_PRODUCT;
        }
        try {
            return Metric.valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("metric must be cosine, inner_product (dot) or l2, got '" + v + "'");
        }
    }

    @Override
    int execute() {
        ProviderConfig cfg = Common.loadConfig(config);
        if (projector != null) {
            cfg = Common.set(cfg, "projector", "config", projector.toAbsolutePath().toString());
        }
        var audio = readWav(in);
        cfg = resolved(cfg, "encoder", "projector", "snapper", "llm");
        for (String s : new String[] {"encoder", "projector", "snapper", "llm"}) {
            if (!cfg.child(s).has("provider")) {
                throw new ConfigException("snap needs a '" + s + "' section with a \"provider\" in " + config);
            }
        }
        ProviderConfig e = cfg.child("encoder");
        ProviderConfig p = cfg.child("projector");
        ProviderConfig s = cfg.child("snapper");
        ProviderConfig l = cfg.child("llm");
        try (AudioEncoder enc = S2s.audioEncoder(e.provider(), e);
                EmbeddingProjector proj = S2s.projector(p.provider(), p);
                LanguageModel llm = S2s.languageModel(l.provider(), l)) {
            TokenMatrix matrix = llm.tokenEmbeddings();
            try (TokenSnapper snapper = S2s.snapper(s.provider(), matrix, s)) {
                Vocabulary vocab = matrix.vocabulary();
                Metric m = metric(metric != null ? metric : s.string("metric", "cosine"));
                SnapOptions.Builder ob = SnapOptions.builder().metric(m).topK(Math.max(1, topK))
                        .collapseRepeats(!keepRepeats);
                if (excludeSpecial && vocab != null) {
                    ob.exclude(vocab.idsOfType(Vocabulary.CONTROL, Vocabulary.BYTE, Vocabulary.UNUSED,
                            Vocabulary.UNKNOWN));
                }
                proj.blank().ifPresent(ob::blank);
                long t0 = System.nanoTime();
                EmbeddingSequence feats = enc.encode(audio);
                long t1 = System.nanoTime();
                EmbeddingSequence projected = proj.project(feats);
                long t2 = System.nanoTime();
                SnapResult r = snapper.snap(projected, ob.build());
                long t3 = System.nanoTime();
                term.out().printf(Locale.ROOT, "%5s %6s %8s %7s  %-20s %9s %9s%n", "#", "frame", "time", "id",
                        "token", "score", "margin");
                int[] ids = r.tokens();
                float[] scores = r.scores();
                float[] margins = r.margins();
                int[] frames = r.frames();
                double fps = projected.framesPerSecond();
                for (int i = 0; i < ids.length; i++) {
                    String tok = vocab == null ? "" : vocab.token(ids[i]);
                    term.out().printf(Locale.ROOT, "%5d %6d %8s %7d  %-20s %9.4f %9.4f%n", i, frames[i],
                            fps > 0 ? String.format(Locale.ROOT, "%.2fs", frames[i] / fps) : "-", ids[i],
                            '"' + tok.replace("\n", "\\n") + '"', scores[i], margins[i]);
                }
                term.out().println("text: " + llm.detokenize(ids));
                term.err().printf(Locale.ROOT, "%d frames -> %d projected -> %d tokens; encode %.1f ms, project %.1f ms, "
                        + "snap %.1f ms%n", feats.frames(), projected.frames(), ids.length, (t1 - t0) / 1e6,
                        (t2 - t1) / 1e6, (t3 - t2) / 1e6);
                return ExitCodes.OK;
            }
        } catch (IllegalArgumentException ex) {
            throw new ConfigException("token path does not fit together: " + ex.getMessage(), ex);
        }
    }
}
