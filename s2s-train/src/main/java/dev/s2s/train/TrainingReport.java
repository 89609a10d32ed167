package dev.s2s.train;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes a training run as JSON (settings, per-epoch loss and held-out TER, totals) and as a PNG
 * training curve drawn with XChart: loss on the left axis, held-out TER on the right. Stateless
 * and thread-safe.
 */
public final class TrainingReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainingReport() {
    }

    /** The run as a JSON tree. */
    public static ObjectNode toJson(TrainingResult r) {
        ObjectNode n = JSON.createObjectNode();
        ProjectorSpec s = r.projector().spec();
        ObjectNode spec = n.putObject("spec");
        spec.put("inputDim", s.inputDim());
        spec.put("stack", s.stack());
        spec.put("context", s.context());
        spec.put("hidden", s.hidden());
        spec.put("outputDim", s.outputDim());
        spec.put("activation", s.activation().name());
        spec.put("similarity", s.similarity().name());
        spec.put("parameters", s.parameterCount());
        n.put("skippedInfeasible", r.skippedInfeasible());
        n.put("steps", r.steps());
        n.put("totalFlops", r.totalFlops());
        n.put("gflops", r.gflops());
        n.put("trainSeconds", r.trainSeconds());
        n.put("wallSeconds", r.wallSeconds());
        ArrayNode h = n.putArray("epochs");
        for (EpochStats e : r.history()) {
            ObjectNode o = h.addObject();
            o.put("epoch", e.epoch());
            o.put("trainLoss", e.trainLoss());
            if (!Double.isNaN(e.heldOutTer())) {
                o.put("heldOutTer", e.heldOutTer());
                o.put("heldOutExact", e.heldOutExact());
            }
            o.put("learningRate", e.learningRate());
            o.put("elapsedSeconds", e.elapsedSeconds());
            o.put("gflops", e.gflops());
        }
        return n;
    }

    /** Writes {@link #toJson} to {@code file}. */
    public static void writeJson(TrainingResult r, Path file) throws IOException {
        createParent(file);
        JSON.writeValue(file.toFile(), toJson(r));
    }

    /** Draws the training curve (loss and held-out TER per epoch) as a PNG. */
    public static void writePlot(List<EpochStats> history, String title, Path png) throws IOException {
        createParent(png);
        XYChart chart = new XYChartBuilder().width(900).height(540).title(title).xAxisTitle("epoch")
                .yAxisTitle("CTC loss per token").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
        List<Double> ep = new ArrayList<>();
        List<Double> loss = new ArrayList<>();
        List<Double> tep = new ArrayList<>();
        List<Double> ter = new ArrayList<>();
        for (EpochStats e : history) {
            if (!Double.isNaN(e.trainLoss())) {
                ep.add((double) e.epoch());
                loss.add(e.trainLoss());
            }
            if (!Double.isNaN(e.heldOutTer())) {
                tep.add((double) e.epoch());
                ter.add(e.heldOutTer());
            }
        }
        if (ep.isEmpty()) {
            ep.add(0.0);
            loss.add(0.0);
        }
        XYSeries l = chart.addSeries("train loss", ep, loss);
        l.setMarker(SeriesMarkers.NONE);
        l.setLineColor(new Color(0x1f77b4));
        if (!ter.isEmpty()) {
            XYSeries t = chart.addSeries("held-out TER", tep, ter);
            t.setYAxisGroup(1);
            t.setMarker(SeriesMarkers.CIRCLE);
            t.setLineColor(new Color(0xd62728));
            t.setMarkerColor(new Color(0xd62728));
            chart.setYAxisGroupTitle(1, "held-out TER");
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        String name = png.getFileName().toString();
        if (!name.toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
            // XChart appends the extension
            Files.move(Path.of(png + ".png"), png, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void createParent(Path file) throws IOException {
        Path p = file.toAbsolutePath().getParent();
        if (p != null) {
            Files.createDirectories(p);
        }
    }
}
