package dev.s2s.llama;

import java.nio.file.Path;

import dev.s2s.api.Generation;
import dev.s2s.api.GenerationOptions;
import dev.s2s.api.LanguageModel;
import dev.s2s.api.Prompt;
import dev.s2s.api.S2s;

/**
 * A program for {@link ProcessExitTest}: loads the model through the provider, generates, closes it
 * and returns from {@code main} without calling {@code System.exit}.
 */
public final class ForkedMain {

    private ForkedMain() {
    }

    /** @param args the model path */
    public static void main(String[] args) {
        try (LanguageModel m = S2s.languageModel("llama", Models.config(Path.of(args[0])))) {
            Generation g = m.generate(Prompt.text(Models.PROMPT),
                    GenerationOptions.builder().maxTokens(30).temperature(0).build());
            System.out.println("TEXT:" + Models.PROMPT + g.text());
        }
        System.out.println("LIBPATH:" + System.getProperty("de.kherud.llama.lib.path"));
        System.out.println("MAIN-RETURNS");
    }
}
