package dev.s2s.api;

import java.util.concurrent.CancellationException;

/**
 * A flag that another thread sets to stop a running operation. Operations check it between
 * steps (tokens, chunks, stages): native calls cannot be interrupted midway. Thread-safe.
 */
public final class CancellationToken {

    private volatile boolean cancelled;

    /** A new token that is not cancelled. */
    public CancellationToken() {
    }

    /** A fresh token that nobody else holds, i.e. one that is never cancelled. */
    public static CancellationToken none() {
        return new CancellationToken();
    }

    /** Asks the operation to stop. Idempotent. */
    public void cancel() {
        cancelled = true;
    }

    /** True once {@link #cancel()} was called. */
    public boolean isCancelled() {
        return cancelled;
    }

    /** Throws {@link CancellationException} when cancelled. */
    public void throwIfCancelled() {
        if (cancelled) {
            throw new CancellationException("cancelled");
        }
    }
}
