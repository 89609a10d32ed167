package dev.s2s.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class TrainingReportTest {

    @Test
    void writesJsonAndAPlot(@TempDir Path dir) throws Exception {
        Synthetic syn = new Synthetic(12, 8, 6, 4);
        List<Utterance> data = syn.sentences(6, 1, "v", 0.2, 6, 8);
        TrainingResult r = ProjectorTrainer.builder().hidden(16).epochs(4).evalEvery(2).build()
                .train(data, data.subList(0, 2), syn.matrix);
        Path json = dir.resolve("r/report.json");
        TrainingReport.writeJson(r, json);
        JsonNode n = new ObjectMapper().readTree(json.toFile());
        assertThat(n.get("epochs")).hasSize(4);
        assertThat(n.get("epochs").get(0).has("heldOutTer")).isFalse();
        assertThat(n.get("epochs").get(1).get("heldOutTer").asDouble()).isBetween(0.0, 2.0);
        assertThat(n.get("spec").get("stack").asInt()).isEqualTo(4);
        assertThat(n.get("gflops").asDouble()).isPositive();

        Path png = dir.resolve("curve.png");
        TrainingReport.writePlot(r.history(), "test", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(900);
        Path noExt = dir.resolve("curve-noext");
        TrainingReport.writePlot(r.history(), "test", noExt);
        assertThat(ImageIO.read(noExt.toFile())).isNotNull();
    }
}
