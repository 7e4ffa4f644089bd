package dev.mnistlab.cli;

import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.data.Split;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.eval.Quantization;
import dev.mnistlab.eval.TrainedModel;
import dev.mnistlab.export.CExporter;
import dev.mnistlab.export.InferenceNet;
import dev.mnistlab.export.Int8Net;
import dev.mnistlab.export.OnnxExporter;
import dev.mnistlab.io.AtomicFiles;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.Plain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mnistlab export RUN_DIR --format onnx}: the trained network as a standard file. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Export a complete run's trained network as ONNX (opset 13). Input 'pixels': float",
      "[N,1,28,28] in [0,1], white ink on black (the normalization is inside the graph);",
      "output 'log_probabilities': float [N,10]. With --int8: quantized after training (int8",
      "weights per output channel, uint8 activations calibrated on --calibration training",
      "images), as a standard QDQ model; its size and test accuracy against the float model's",
      "are printed."
    })
public class ExportCommand implements Callable<Integer> {
  /** Formats {@code export} writes. */
  enum Format {
    onnx,
    c
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
      description = "Where to write (default: RUN_DIR/model.onnx, or model-int8.onnx).")
  Path out;

  @Option(
      names = "--int8",
      description = "Quantize to int8 (static post-training quantization, QDQ ONNX).")
  boolean int8;

  @Option(
      names = "--calibration",
      paramLabel = "N",
      description = "Training images whose activations set the int8 ranges (default: 1000).")
  Integer calibration;

  @Mixin DataOptions data;

  @Spec CommandLine.Model.CommandSpec spec;

  public ExportCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws IOException {
    RecipeOptions.refuseUnused(
        spec.commandLine(), "the network is measured on the dataset it trained on", "--dataset");
    if (calibration != null && !int8) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--calibration sets the int8 ranges: give --int8 too");
    }
    int calibrationImages = calibration == null ? 1000 : calibration;
    if (calibrationImages < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--calibration must be at least 1, got " + calibrationImages);
    }
    Engines.start(1);
    RunDirectory run = RunDirectory.openComplete(runDir);
    RunResult metrics = run.readMetrics();
    if (format == Format.c) {
      return exportC(run, calibrationImages);
    }
    Path file = out != null ? out : int8 ? run.int8OnnxFile() : run.onnxFile();
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
    if (int8) {
      return exportInt8(run, metadata, file, calibrationImages);
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

  /**
   * Writes the run's network as C: {@code mnistlab_model.h} and {@code mnistlab_model.c} in {@code
   * --out}, float or, with {@code --int8}, quantized as the int8 ONNX model is.
   */
  private int exportC(RunDirectory run, int images) throws IOException {
    if (out == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--format c writes two files: name their directory with --out DIR");
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--out " + out + " is a file; --format c needs a directory");
    }
    try (TrainedModel trained = run.loadTrained()) {
      InferenceNet net = trained.toInferenceNet();
      Int8Net quantized = null;
      if (int8) {
        Split train = loaded(run).train();
        quantized = Int8Net.calibrate(net, train.unitImages(0, images));
      }
      RunResult metrics = run.readMetrics();
      CExporter.Files files =
          CExporter.export(
              net,
              quantized,
              String.format(
                  Locale.ROOT,
                  "%,d trainable parameters, %.2f%% test accuracy (float) on %s",
                  metrics.trainableParams(),
                  metrics.last().testAcc(),
                  metrics.dataset()));
      Files.createDirectories(out);
      AtomicFiles.write(
          out.resolve(CExporter.HEADER), files.header().getBytes(StandardCharsets.UTF_8));
      AtomicFiles.write(
          out.resolve(CExporter.SOURCE), files.source().getBytes(StandardCharsets.UTF_8));
      environment
          .out()
          .printf(
              Locale.ROOT,
              "wrote %s and %s (C99, %s): int mnistlab_classify(const uint8_t image[784], float"
                  + " scores[10]); arena %,d bytes%n",
              out.resolve(CExporter.HEADER),
              out.resolve(CExporter.SOURCE),
              int8 ? "int8, calibrated on " + Plain.count(images, "training image") : "float",
              files.arenaBytes());
    }
    return Main.OK;
  }

  private DataStore.Loaded loaded(RunDirectory run) {
    return data.loader(environment).apply(Dataset.parse(run.readConfig().dataset()));
  }

  /**
   * Quantizes the run's network on the first {@code images} training images, writes the QDQ model
   * and prints its size and test accuracy beside the float model's.
   */
  private int exportInt8(RunDirectory run, Map<String, String> metadata, Path file, int images)
      throws IOException {
    DataStore.Loaded loaded = loaded(run);
    Split train = loaded.train();
    if (images > train.count()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--calibration "
              + images
              + " is more than the "
              + Plain.count(train.count(), "training image"));
    }
    try (TrainedModel trained = run.loadTrained()) {
      Quantization q = Quantization.of(trained, train, loaded.test(), images, metadata);
      OnnxExporter.write(q.int8Model(), file);
      environment.out().print(q.toText(file));
    }
    return Main.OK;
  }
}
