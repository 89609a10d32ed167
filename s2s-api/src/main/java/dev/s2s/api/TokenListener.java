package dev.s2s.api;

/**
 * Receives each piece of text as a {@link LanguageModel} produces it (streaming). Called on the
 * generating thread; implementations should return quickly.
 */
@FunctionalInterface
public interface TokenListener {

    /** A listener that ignores everything. */
    TokenListener NONE = (id, piece) -> { };

    /**
     * @param tokenId the token id, or -1 when the backend does not report ids per piece
     * @param piece   the decoded text of the token (may be empty for partial UTF-8)
     */
    void onToken(int tokenId, String piece);
}
