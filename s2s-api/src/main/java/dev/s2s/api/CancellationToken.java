package dev.s2s.api;

import java.util.concurrent.CancellationException;

/**
 * A flag that another thread sets to stop a running operation. Operations check it between
 * steps (tokens, chunks, stages): native calls cannot be interrupted midway. Thread-safe.
 */
public final class CancellationToken {

    private final CancellationToken parent;
    private volatile boolean cancelled;

    /** A new token that is not cancelled. */
    public CancellationToken() {
        this(null);
    }

    private CancellationToken(CancellationToken parent) {
        this.parent = parent;
    }

    /**
     * A token that is cancelled when this one is, and that can also be cancelled on its own
     * without affecting this one (e.g. for a timeout inside a larger operation).
     */
    public CancellationToken child() {
        return new CancellationToken(this);
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
        return cancelled || (parent != null && parent.isCancelled());
    }

    /** Throws {@link CancellationException} when cancelled. */
    public void throwIfCancelled() {
        if (isCancelled()) {
            throw new CancellationException("cancelled");
        }
    }
}
