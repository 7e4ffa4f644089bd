package dev.mnistlab.cli;

import dev.mnistlab.engine.Engines;
import dev.mnistlab.eval.TrainedModel;
import dev.mnistlab.export.OnnxExporter;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mnistlab export RUN_DIR --format onnx}: the trained network as a standard file. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Export a complete run's trained network as ONNX (opset 13). Input 'pixels': float",
      "[N,1,28,28] in [0,1], white ink on black (the normalization is inside the graph);",
      "output 'log_probabilities': float [N,10]."
    })
public class ExportCommand implements Callable<Integer> {
  /** Formats {@code export} writes. */
  enum Format {
    onnx
  }

  private final Environment environment;

  @Mixin LoggingMixin logging;

  @Parameters(paramLabel = "RUN_DIR", description = "A complete run directory.")
  Path runDir;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: onnx).")
  Format format = Format.onnx;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Where to write (default: RUN_DIR/model.onnx).")
  Path out;

  public ExportCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws IOException {
    Engines.start(1);
    RunDirectory run = RunDirectory.openComplete(runDir);
    RunResult metrics = run.readMetrics();
    Path file = out != null ? out : run.onnxFile();
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("model", metrics.model());
    metadata.put("dataset", metrics.dataset());
    metadata.put("trainable_params", Long.toString(metrics.trainableParams()));
    metadata.put("test_accuracy", String.format(Locale.ROOT, "%.2f", metrics.last().testAcc()));
    if (metrics.provenance() != null) {
      metadata.put("mnistlab_version", metrics.provenance().version());
      metadata.put("mnistlab_commit", metrics.provenance().commit());
      metadata.put("trained", metrics.provenance().finished());
    }
    try (TrainedModel trained = run.loadTrained()) {
      var model = trained.toOnnx(metadata);
      OnnxExporter.write(model, file);
      environment
          .out()
          .printf(
              Locale.ROOT,
              "wrote %s (ONNX opset %d, %d nodes, %,d bytes): input %s [N,1,28,28] pixels in"
                  + " [0,1], output %s [N,10]%n",
              file,
              OnnxExporter.OPSET,
              model.getGraph().getNodeCount(),
              Files.size(file),
              OnnxExporter.INPUT,
              OnnxExporter.OUTPUT);
    }
    return Main.OK;
  }
}
