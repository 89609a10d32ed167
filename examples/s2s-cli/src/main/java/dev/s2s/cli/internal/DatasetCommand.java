package dev.s2s.cli.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

import dev.s2s.api.ConfigException;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.Prompt;
import dev.s2s.cli.ExitCodes;
import dev.s2s.train.Evaluation;
import dev.s2s.train.SftExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code s2s dataset export-sft}. Not API. Not thread-safe: one invocation per instance. */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Speech datasets built by train-projector.",
        subcommands = {DatasetCommand.ExportSft.class})
public final class DatasetCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Used by picocli. */
    public DatasetCommand() {
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Which utterances to export. */
    enum Part {
        /** Every utterance. */
        all,
        /** The training part of the split. */
        train,
        /** The held-out part of the split. */
        heldout
    }

    /** {@code s2s dataset export-sft}. */
    @Command(name = "export-sft", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Writes JSONL pairs for fine-tuning the LLM on noisy snapped input with Unsloth: each "
                    + "utterance is decoded by the exported projector and the snapper (runtime path); the input is "
                    + "the snapped ids detokenized, the output the reference sentence, the LLM's reply to it "
                    + "(--output reply) or your own reply (--replies).",
                "Formats: alpaca ({instruction, input, output}) or chat ({messages: [system?, user, assistant]})."})
    public static final class ExportSft extends BaseCommand {

        @Mixin
        TrainingOptions training;

        @Mixin
        ProjectorInputs inputs;

        @Option(names = "--format", paramLabel = "alpaca|chat", defaultValue = "alpaca", description = "JSONL "
                + "layout (default ${DEFAULT-VALUE}).")
        String format;

        @Option(names = "--instruction", defaultValue = "Correct the transcript.", description = "The Alpaca "
                + "instruction or chat system message; empty for none (default: ${DEFAULT-VALUE}).")
        String instruction;

        @Option(names = "--part", paramLabel = "all|train|heldout", defaultValue = "all", description = "Which "
                + "utterances, by the --heldout/--split-seed split (default ${DEFAULT-VALUE}).")
        Part part;

        @Option(names = "--output", paramLabel = "reference|reply", defaultValue = "reference", description = "The "
                + "desired output: the reference sentence (learn to denoise), or the language model's reply to the "
                + "reference (learn to answer noisy input as it answers clean input) (default ${DEFAULT-VALUE}).")
        String output;

        @Option(names = "--reply-prompt", paramLabel = "TEMPLATE", defaultValue = "{text}", description = "With "
                + "--output reply: the prompt of each reference, {text} standing for it (default ${DEFAULT-VALUE}).")
        String replyPrompt;

        @Option(names = "--reply-tokens", paramLabel = "N", defaultValue = "48", description = "With --output "
                + "reply: tokens generated per reply, greedy (default ${DEFAULT-VALUE}).")
        int replyTokens;

        @Option(names = "--replies", paramLabel = "JSONL", description = "Desired replies of your own: "
                + "{\"text\": reference, \"reply\": output} lines, matched by reference (instead of --output).")
        Path replies;

        @Option(names = "--out", paramLabel = "FILE", required = true, description = "The JSONL file.")
        Path out;

        /** Used by picocli. */
        public ExportSft() {
        }

        @Override
        int execute() throws IOException {
            SftExport.Format f = switch (format.strip().toLowerCase(Locale.ROOT)) {
                case "alpaca" -> SftExport.Format.ALPACA;
                case "chat" -> SftExport.Format.CHAT;
                default -> throw new ConfigException("--format must be alpaca or chat, got '" + format + "'");
            };
            Function<LanguageModel, Function<Evaluation.Scored, String>> target = target();
            return inputs.score(common, training, ds -> switch (part) {
                case all -> ds.entries();
                case train -> training.split(ds).get(0);
                case heldout -> training.split(ds).get(1);
            }, (r, llm) -> {
                int n = SftExport.write(r.scored(), llm, f, instruction, target.apply(llm), out);
                term.out().printf(Locale.ROOT, "%d pairs written to %s (TER of the snapped input %.3f)%n", n, out,
                        r.ter());
                return ExitCodes.OK;
            });
        }

        /** The desired output of each pair, given the open language model; options checked now. */
        private Function<LanguageModel, Function<Evaluation.Scored, String>> target() {
            boolean reply = switch (output.strip().toLowerCase(Locale.ROOT)) {
                case "reference" -> false;
                case "reply" -> true;
                default -> throw new ConfigException("--output must be reference or reply, got '" + output + "'");
            };
            if (replies != null) {
                if (reply) {
                    throw new ConfigException("--replies and --output reply both set the output; give one");
                }
                Function<Evaluation.Scored, String> fromFile = SftExport.replies(replies);
                return llm -> fromFile;
            }
            if (!reply) {
                return llm -> SftExport.REFERENCE;
            }
            if (replyTokens < 1) {
                throw new ConfigException("--reply-tokens must be at least 1, got " + replyTokens);
            }
            Function<String, Prompt> prompt = SftExport.textPrompt(replyPrompt);
            GenerationOptions options = GenerationOptions.builder().maxTokens(replyTokens).build();
            return llm -> SftExport.reply(llm, prompt, options);
        }
    }
}
