package dev.s2s.cli;

/**
 * The exit codes of the {@code s2s} command. Scripts can rely on them. Constants only; thread-safe.
 *
 * <table>
 *   <caption>exit codes</caption>
 *   <tr><td>0</td><td>success</td></tr>
 *   <tr><td>1</td><td>a pipeline or provider failed at run time (the message names the stage)</td></tr>
 *   <tr><td>2</td><td>bad command line (picocli's usage error)</td></tr>
 *   <tr><td>3</td><td>bad configuration: invalid JSON, unknown provider, missing setting or file</td></tr>
 *   <tr><td>4</td><td>a model is missing: offline and not in the store, or an unknown model name</td></tr>
 *   <tr><td>5</td><td>a download failed: network, server error, 401/403, 404 or checksum mismatch</td></tr>
 *   <tr><td>6</td><td>no audio device ({@code s2s live} on a headless machine)</td></tr>
 *   <tr><td>7</td><td>no speech was heard in the input</td></tr>
 *   <tr><td>8</td><td>{@code s2s models verify} found a missing or mismatching file</td></tr>
 *   <tr><td>9</td><td>an input or output file could not be read or written</td></tr>
 * </table>
 */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /** A pipeline or provider failed at run time. */
    public static final int FAILURE = 1;
    /** Bad command line. */
    public static final int USAGE = 2;
    /** Bad configuration. */
    public static final int CONFIG = 3;
    /** A model is missing or unknown. */
    public static final int MODEL_MISSING = 4;
    /** A download failed. */
    public static final int DOWNLOAD = 5;
    /** No audio device. */
    public static final int NO_AUDIO_DEVICE = 6;
    /** No speech heard. */
    public static final int NO_SPEECH = 7;
    /** Verification failed. */
    public static final int VERIFY_FAILED = 8;
    /** File I/O failed. */
    public static final int IO = 9;

    private ExitCodes() {
    }

    /** The exit code for an exception that ended a command. */
    public static int of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ModelStoreException m) {
                return switch (m.reason()) {
                    case UNKNOWN_NAME, MISSING_OFFLINE -> MODEL_MISSING;
                    case IO -> IO;
                    default -> DOWNLOAD;
                };
            }
            if (t instanceof NoAudioDeviceException) {
                return NO_AUDIO_DEVICE;
            }
            if (t instanceof dev.s2s.api.ConfigException || t instanceof dev.s2s.api.ProviderNotFoundException) {
                return CONFIG;
            }
            if (t instanceof dev.s2s.api.AudioFormatException || t instanceof java.io.IOException
                    || t instanceof java.io.UncheckedIOException) {
                return IO;
            }
        }
        return FAILURE;
    }
}
