package dev.s2s.api.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.s2s.api.CancellationToken;
import dev.s2s.api.PipelineException;
import dev.s2s.api.Stage;

/**
 * Runs one pipeline stage: inline on a platform thread, or on the pipeline's platform-thread pool
 * when the caller is a virtual thread (native calls would pin its carrier) or the stage has a
 * timeout. Wraps failures in {@link PipelineException} naming the stage. Not API. Thread-safe.
 */
public final class StageRunner {

    private final ExecutorService executor;
    private final Map<Stage, Duration> timeouts;

    /** @param executor platform-thread pool @param timeouts per-stage limits */
    public StageRunner(ExecutorService executor, Map<Stage, Duration> timeouts) {
        this.executor = executor;
        this.timeouts = Map.copyOf(timeouts);
    }

    /** The pool, for work that must run beside the caller (streaming synthesis). */
    public ExecutorService executor() {
        return executor;
    }

    /**
     * Runs {@code work} as {@code stage}. On timeout {@code onTimeout} is cancelled (so a model
     * stops at its next token) and a {@link PipelineException} is thrown.
     *
     * @throws CancellationException when {@code cancel} is set before the stage starts
     */
    public <T> T run(Stage stage, CancellationToken cancel, Callable<T> work) {
        cancel.throwIfCancelled();
        Duration timeout = timeouts.get(stage);
        if (timeout == null && !Thread.currentThread().isVirtual()) {
            try {
                return work.call();
            } catch (Exception e) {
                throw wrap(stage, e);
            }
        }
        Future<T> f = executor.submit(work);
        try {
            return timeout == null ? f.get() : f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            cancel.cancel();
            f.cancel(false);
            throw new PipelineException(stage, "timed out after " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw wrap(stage, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
            throw new CancellationException("interrupted during " + stage);
        }
    }

    /** Wraps a stage failure, keeping cancellations and already-wrapped failures as they are. */
    public static RuntimeException wrap(Stage stage, Throwable t) {
        if (t instanceof PipelineException p) {
            return p;
        }
        if (t instanceof CancellationException c) {
            return c;
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof VirtualMachineError vme) {
            throw vme;
        }
        return new PipelineException(stage, msg, t);
    }
}
