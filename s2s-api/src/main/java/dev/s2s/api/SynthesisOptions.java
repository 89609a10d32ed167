package dev.s2s.api;

/**
 * Options for {@link SpeechSynthesizer#synthesize}. Build with {@link #builder()}.
 *
 * @param voice    a voice name from {@link SpeechSynthesizer#voices()}, or {@code null} for the
 *                 provider's default
 * @param language a language tag such as {@code "en"} or {@code "fr"}, or {@code null} for the
 *                 provider's default
 * @param slow     speak slowly, where the provider supports it
 * @param ssml     the text is SSML markup, where the provider supports it
 */
public record SynthesisOptions(String voice, String language, boolean slow, boolean ssml) {

    /** The defaults: provider's voice and language, normal speed, plain text. */
    public static SynthesisOptions defaults() {
        return builder().build();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised from these options. */
    public Builder toBuilder() {
        return new Builder().voice(voice).language(language).slow(slow).ssml(ssml);
    }

    /** Builder for {@link SynthesisOptions}. Not thread-safe. */
    public static final class Builder {
        private String voice;
        private String language;
        private boolean slow;
        private boolean ssml;

        private Builder() {
        }

        /** @param v voice name or null @return this */
        public Builder voice(String v) {
            voice = v;
            return this;
        }

        /** @param v language tag or null @return this */
        public Builder language(String v) {
            language = v;
            return this;
        }

        /** @param v slow speech @return this */
        public Builder slow(boolean v) {
            slow = v;
            return this;
        }

        /** @param v the text is SSML @return this */
        public Builder ssml(boolean v) {
            ssml = v;
            return this;
        }

        /** @return the options */
        public SynthesisOptions build() {
            return new SynthesisOptions(voice, language, slow, ssml);
        }
    }
}
