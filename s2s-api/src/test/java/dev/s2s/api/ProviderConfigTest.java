package dev.s2s.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderConfigTest {

    @Test
    void typedAccessors() {
        ProviderConfig c = ProviderConfig.parse("""
                {"provider":"x","n":3,"f":0.5,"b":true,"s":"hi","list":["a","b"],"one":"z","nested":{"k":1},"ns":"7"}""");
        assertThat(c.provider()).isEqualTo("x");
        assertThat(c.integer("n", 0)).isEqualTo(3);
        assertThat(c.integer("ns", 0)).isEqualTo(7);
        assertThat(c.integer("missing", 9)).isEqualTo(9);
        assertThat(c.number("f", 0)).isEqualTo(0.5);
        assertThat(c.bool("b", false)).isTrue();
        assertThat(c.string("s")).isEqualTo("hi");
        assertThat(c.strings("list")).containsExactly("a", "b");
        assertThat(c.strings("one")).containsExactly("z");
        assertThat(c.strings("none")).isEmpty();
        assertThat(c.child("nested").integer("k", 0)).isEqualTo(1);
        assertThat(c.with("n", 4).integer("n", 0)).isEqualTo(4);
        assertThat(c.integer("n", 0)).isEqualTo(3);
        assertThat(c.keys()).contains("provider", "nested");
    }

    @Test
    void wrongTypesNameTheKey() {
        ProviderConfig c = ProviderConfig.parse("{\"n\":\"abc\",\"b\":3,\"o\":{},\"l\":[{}]}");
        assertThatThrownBy(() -> c.integer("n", 0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'n' must be an integer");
        assertThatThrownBy(() -> c.bool("b", false)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'b' must be true or false");
        assertThatThrownBy(() -> c.string("o")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'o' must be a string");
        assertThatThrownBy(() -> c.strings("l")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'l' must be a list of strings");
        assertThatThrownBy(() -> c.requireString("model")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing required setting 'model'");
    }

    @Test
    void badJsonIsAConfigException() {
        assertThatThrownBy(() -> ProviderConfig.parse("{oops")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid JSON");
        assertThatThrownBy(() -> ProviderConfig.parse("[1,2]")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be a JSON object");
    }

    @Test
    void pathsResolveAgainstTheConfigFile(@TempDir Path dir) throws Exception {
        Path model = Files.writeString(dir.resolve("m.bin"), "x");
        Path file = Files.writeString(dir.resolve("c.json"), "{\"provider\":\"p\",\"model\":\"m.bin\",\"gone\":\"no.bin\"}");
        ProviderConfig c = ProviderConfig.read(file);
        assertThat(c.requireFile("model")).isEqualTo(model.toAbsolutePath());
        assertThatThrownBy(() -> c.requireFile("gone")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'gone' names a file that does not exist").hasMessageContaining("provider 'p'");
        assertThatThrownBy(() -> ProviderConfig.read(dir.resolve("missing.json"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot read configuration");
    }

    @Test
    void fromMap() {
        ProviderConfig c = ProviderConfig.of(Map.of("provider", "p", "stop", List.of("\n")));
        assertThat(c.strings("stop")).containsExactly("\n");
    }
}
