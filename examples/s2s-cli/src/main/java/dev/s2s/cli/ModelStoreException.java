package dev.s2s.cli;

import java.util.List;

import dev.s2s.api.S2sException;

/**
 * A model could not be found or fetched. {@link #reason()} tells why, so that the command line can
 * map it to an exit code; the message names the model, the file and what to do. Immutable.
 */
public final class ModelStoreException extends S2sException {

    private static final long serialVersionUID = 1L;

    /** Why the store failed. */
    public enum Reason {
        /** Not a known model name. */
        UNKNOWN_NAME,
        /** Offline, and the file is not in the store. */
        MISSING_OFFLINE,
        /** The server refused: 401 or 403 (a gated or private repository needs {@code HF_TOKEN}). */
        UNAUTHORIZED,
        /** The server has no such file (404). */
        NOT_FOUND,
        /** The server failed (5xx) on every attempt. */
        SERVER_ERROR,
        /** The network failed on every attempt. */
        NETWORK,
        /** The downloaded bytes do not match the pinned sha256. */
        CHECKSUM_MISMATCH,
        /** A local file-system error. */
        IO
    }

    private final Reason reason;
    private final List<String> missing;

    /** @param reason why @param message what happened, naming the model and file */
    public ModelStoreException(Reason reason, String message) {
        this(reason, message, List.of(), null);
    }

    /** @param reason why @param message what happened @param cause the underlying failure */
    public ModelStoreException(Reason reason, String message, Throwable cause) {
        this(reason, message, List.of(), cause);
    }

    /**
     * @param reason  why
     * @param message what happened
     * @param missing the model names whose files are missing (for {@link Reason#MISSING_OFFLINE})
     * @param cause   the underlying failure or null
     */
    public ModelStoreException(Reason reason, String message, List<String> missing, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.missing = List.copyOf(missing);
    }

    /** Why the store failed. */
    public Reason reason() {
        return reason;
    }

    /** The names of the missing models, for {@link Reason#MISSING_OFFLINE}; otherwise empty. */
    public List<String> missing() {
        return missing;
    }
}
