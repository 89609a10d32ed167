package dev.s2s.api;

/**
 * Options for {@link SpeechRecognizer#transcribe}. Build with {@link #builder()}; the defaults
 * are greedy decoding, auto language, timestamps on and a temperature fallback step of 0.2.
 *
 * @param language             language code such as {@code "en"}, or {@code null} to detect it
 * @param translate            translate the speech to English
 * @param initialPrompt        text that conditions the decoder, or {@code null}
 * @param beamSize             1 for greedy decoding, more for beam search
 * @param temperature          sampling temperature of the first attempt (0 = deterministic)
 * @param temperatureIncrement how much to raise the temperature on each fallback; 0 disables fallback
 * @param noTimestamps         do not predict timestamps
 * @param singleSegment        force a single segment
 * @param threads              native threads, 0 for the provider's default
 */
public record RecognitionOptions(String language, boolean translate, String initialPrompt, int beamSize,
        float temperature, float temperatureIncrement, boolean noTimestamps, boolean singleSegment, int threads) {

    /** Validates. */
    public RecognitionOptions {
        if (beamSize < 1) {
            throw new IllegalArgumentException("beamSize must be >= 1, got " + beamSize);
        }
        if (temperature < 0 || temperatureIncrement < 0) {
            throw new IllegalArgumentException("temperatures must be >= 0");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
    }

    /** The defaults. */
    public static RecognitionOptions defaults() {
        return builder().build();
    }

    /** A new builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised from these options. */
    public Builder toBuilder() {
        return new Builder().language(language).translate(translate).initialPrompt(initialPrompt)
                .beamSize(beamSize).temperature(temperature).temperatureIncrement(temperatureIncrement)
                .noTimestamps(noTimestamps).singleSegment(singleSegment).threads(threads);
    }

    /** Builder for {@link RecognitionOptions}. Not thread-safe. */
    public static final class Builder {
        private String language;
        private boolean translate;
        private String initialPrompt;
        private int beamSize = 1;
        private float temperature;
        private float temperatureIncrement = 0.2f;
        private boolean noTimestamps;
        private boolean singleSegment;
        private int threads;

        private Builder() {
        }

        /** @param v language code, or null to detect @return this */
        public Builder language(String v) {
            language = v;
            return this;
        }

        /** @param v translate to English @return this */
        public Builder translate(boolean v) {
            translate = v;
            return this;
        }

        /** @param v conditioning text @return this */
        public Builder initialPrompt(String v) {
            initialPrompt = v;
            return this;
        }

        /** @param v 1 = greedy, more = beam search @return this */
        public Builder beamSize(int v) {
            beamSize = v;
            return this;
        }

        /** @param v first temperature @return this */
        public Builder temperature(float v) {
            temperature = v;
            return this;
        }

        /** @param v fallback step, 0 = none @return this */
        public Builder temperatureIncrement(float v) {
            temperatureIncrement = v;
            return this;
        }

        /** @param v no timestamps @return this */
        public Builder noTimestamps(boolean v) {
            noTimestamps = v;
            return this;
        }

        /** @param v one segment @return this */
        public Builder singleSegment(boolean v) {
            singleSegment = v;
            return this;
        }

        /** @param v native threads, 0 = provider default @return this */
        public Builder threads(int v) {
            threads = v;
            return this;
        }

        /** @return the options */
        public RecognitionOptions build() {
            return new RecognitionOptions(language, translate, initialPrompt, beamSize, temperature,
                    temperatureIncrement, noTimestamps, singleSegment, threads);
        }
    }
}
