package dev.s2s.gtts.internal;

/**
 * A reply that cannot be used: not the batchexecute format (e.g. cut off mid-body), or audio that
 * does not decode as MP3. Not API.
 */
public final class BadReplyException extends Exception {
    private static final long serialVersionUID = 1L;

    BadReplyException(String message) {
        super(message);
    }

    BadReplyException(String message, Throwable cause) {
        super(message, cause);
    }
}
