package dev.s2s.cli;

import dev.s2s.api.S2sException;

/** There is no microphone or loudspeaker to open (e.g. a headless machine or container). Immutable. */
public final class NoAudioDeviceException extends S2sException {

    private static final long serialVersionUID = 1L;

    /** @param message which device is missing and what to do instead @param cause the audio system's error */
    public NoAudioDeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
