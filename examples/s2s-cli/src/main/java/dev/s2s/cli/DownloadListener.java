package dev.s2s.cli;

import java.nio.file.Path;

/**
 * Hears what a {@link ModelStore} download does, e.g. to draw a progress bar. Every method has an
 * empty default. Called on the downloading thread; implementations must be quick and thread-safe
 * when one listener serves several downloads.
 */
public interface DownloadListener {

    /** A listener that ignores everything. */
    DownloadListener NONE = new DownloadListener() {
    };

    /** Another process (or thread) holds the download lock; this call waits for it. */
    default void waitingForLock(ModelSpec spec, Path lockFile) {
    }

    /**
     * Bytes start to flow.
     *
     * @param total       the full size in bytes, or -1 when unknown
     * @param resumedFrom bytes already on disk from an earlier, interrupted attempt
     */
    default void started(ModelSpec spec, long total, long resumedFrom) {
    }

    /** {@code done} bytes of the file are on disk. */
    default void progress(ModelSpec spec, long done) {
    }

    /** An attempt failed in a way worth retrying; the next attempt resumes where this one stopped. */
    default void retrying(ModelSpec spec, int attempt, String reason) {
    }

    /** The whole file is on disk and its sha256 is being checked. */
    default void verifying(ModelSpec spec) {
    }

    /** The file is in place. */
    default void finished(ModelSpec spec, Path file) {
    }
}
