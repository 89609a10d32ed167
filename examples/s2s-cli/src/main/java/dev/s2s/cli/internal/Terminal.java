package dev.s2s.cli.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import dev.s2s.cli.DownloadListener;
import dev.s2s.cli.ModelSpec;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Where the command line writes: results to {@code out}, progress and messages to {@code err}.
 * On a terminal, long work shows a progress bar; otherwise plain lines (one per 10%). Not API.
 * Thread-safe for printing (PrintStream is synchronized).
 */
public final class Terminal {

    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;

    /** @param out results @param err progress and messages @param interactive draw progress bars */
    public Terminal(PrintStream out, PrintStream err, boolean interactive) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    /** True when stderr is a terminal (JDK 22+: {@code Console.isTerminal()}). */
    public static boolean isTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** Results. */
    public PrintStream out() {
        return out;
    }

    /** Messages. */
    public PrintStream err() {
        return err;
    }

    /** True when progress bars are drawn. */
    public boolean interactive() {
        return interactive;
    }

    /** A duration as milliseconds, e.g. {@code 123.4 ms}. */
    public static String ms(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }

    /** A download listener drawing a bar, or printing plain lines when not on a terminal. */
    public DownloadListener downloads() {
        return new DownloadListener() {
            private ProgressBar bar;
            private long total;
            private int lastDecile = -1;

            @Override
            public void waitingForLock(ModelSpec spec, Path lockFile) {
                err.println("waiting: another process is downloading " + spec.name() + " (" + lockFile + ")");
            }

            @Override
            public void started(ModelSpec spec, long t, long resumedFrom) {
                total = t;
                closeBar();
                err.println("downloading " + spec.name() + (resumedFrom > 0 ? " (resuming at " + mb(resumedFrom) + ")" : "")
                        + (t > 0 ? ", " + mb(t) : ""));
                if (interactive) {
                    bar = new ProgressBarBuilder().setTaskName(spec.name()).setInitialMax(t > 0 ? t : -1)
                            .setUnit(" MB", 1 << 20).setStyle(ProgressBarStyle.ASCII).showSpeed()
                            .setConsumer(new ConsoleProgressBarConsumer(err)).startsFrom(resumedFrom, Duration.ZERO)
                            .build();
                }
                lastDecile = total > 0 ? (int) (resumedFrom * 10 / total) : -1;
            }

            @Override
            public void progress(ModelSpec spec, long done) {
                if (bar != null) {
                    bar.stepTo(done);
                } else if (total > 0) {
                    int decile = (int) (done * 10 / total);
                    if (decile > lastDecile) {
                        lastDecile = decile;
                        err.println(spec.name() + ": " + decile * 10 + "% (" + mb(done) + " of " + mb(total) + ")");
                    }
                }
            }

            @Override
            public void retrying(ModelSpec spec, int attempt, String reason) {
                closeBar();
                err.println(spec.name() + ": " + reason + "; retrying (attempt " + attempt + ")");
            }

            @Override
            public void verifying(ModelSpec spec) {
                closeBar();
                err.println(spec.name() + ": checking sha256");
            }

            @Override
            public void finished(ModelSpec spec, Path file) {
                closeBar();
                err.println(spec.name() + ": ready at " + file);
            }

            private void closeBar() {
                if (bar != null) {
                    bar.close();
                    bar = null;
                }
            }
        };
    }

    /** A step counter for repeated work (e.g. benchmark runs): a bar, or a line per step. */
    public Steps steps(String task, int count) {
        return new Steps(task, count);
    }

    /** See {@link #steps}. Not thread-safe. */
    public final class Steps implements AutoCloseable {
        private final String task;
        private final int count;
        private final ProgressBar bar;
        private int done;

        private Steps(String task, int count) {
            this.task = task;
            this.count = count;
            this.bar = interactive ? new ProgressBarBuilder().setTaskName(task).setInitialMax(count)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(err)).build() : null;
        }

        /** One step done. */
        public void step() {
            done++;
            if (bar != null) {
                bar.step();
            } else {
                err.println(task + ": " + done + "/" + count);
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }
}
