package dev.mnistlab.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.mnistlab.TrainedRuns;
import dev.mnistlab.cli.Environment;
import dev.mnistlab.data.Augmentation;
import dev.mnistlab.data.BatchLoader;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.data.Normalization;
import dev.mnistlab.data.Split;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.eval.Evaluator;
import dev.mnistlab.eval.TrainedModel;
import dev.mnistlab.model.BlockFactory;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported file, run by ONNX Runtime, answers as mnistlab does. */
@Tag("integration")
class OnnxExportTest {
  private static final int PIXELS = 784;

  @TempDir Path tmp;

  /** Log-probabilities from ONNX Runtime for {@code n} images of raw pixels in [0, 1]. */
  private static float[][] runOnnx(OrtSession session, float[] pixels, int n) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OnnxTensor input =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {n, 1, 28, 28});
        OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
      return (float[][]) result.get(OnnxExporter.OUTPUT).orElseThrow().getValue();
    }
  }

  private static OrtSession session(byte[] model) throws Exception {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(2);
    return OrtEnvironment.getEnvironment().createSession(model, options);
  }

  static int argMax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      best = values[i] > values[best] ? i : best;
    }
    return best;
  }

  @Test
  void aTrainedModelAgreesOnAllTenThousandTestImages() throws Exception {
    RunResult run = TrainedRuns.mnist();
    Split test = TrainedRuns.mnistData().test();
    Path file = tmp.resolve("model.onnx");
    Environment system = Environment.system();
    int code =
        dev.mnistlab.cli.Main.commandLine(system)
            .execute(
                "export", run.runDir().toString(), "--format", "onnx", "--out", file.toString());
    assertThat(code).isZero();
    OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
    assertThat(proto.getOpsetImport(0).getVersion()).isGreaterThanOrEqualTo(13);
    assertThat(proto.getMetadataPropsList())
        .anyMatch(e -> e.getKey().equals("normalization_mean") && e.getValue().equals("0.1307"));

    Evaluator.Predictions engine;
    Evaluator.Predictions inference;
    double maxDiff = 0;
    int agree = 0;
    try (TrainedModel trained = RunDirectory.openComplete(run.runDir()).loadTrained();
        OrtSession session = session(Files.readAllBytes(file));
        BatchLoader loader =
            new BatchLoader(test, trained.normalization(), 1000, Augmentation.NONE)) {
      // The training engine's answer, as each epoch's evaluation computes it.
      engine =
          Evaluator.predict(
              trained.spec(), trained.model().getBlock(), trained.model().getNDManager(), loader);
      for (int from = 0; from < test.count(); from += 1000) {
        float[] pixels = test.unitPixels(from, 1000);
        float[][] onnx = runOnnx(session, pixels, 1000);
        float[][] djl = trained.engineLogProbabilities(pixels, 1000);
        for (int i = 0; i < 1000; i++) {
          agree += argMax(onnx[i]) == engine.predicted()[from + i] ? 1 : 0;
          for (int c = 0; c < 10; c++) {
            maxDiff = Math.max(maxDiff, Math.abs(onnx[i][c] - djl[i][c]));
          }
        }
      }
      // Inference (evaluate, predict, the Java API, serve) runs that same file in ONNX Runtime.
      inference = Evaluator.predict(trained, test);
      assertThat(trained.inference()).startsWith("ONNX Runtime ");
    }
    System.out.printf(
        "ONNX parity: %d/10000 same class, max |Δ log-probability| %.2e%n", agree, maxDiff);
    assertThat(agree).isEqualTo(10_000);
    assertThat(maxDiff).isLessThan(1e-4);
    assertThat(inference.predicted()).containsExactly(engine.predicted());
    assertThat(inference.accuracy()).isEqualTo(run.last().testAcc());
    assertThat(inference.loss()).isCloseTo(engine.loss(), within(1e-5));
  }

  @Test
  void aTrainedModelQuantizedToInt8KeepsItsAccuracy() throws Exception {
    RunResult run = TrainedRuns.mnist();
    Path file = tmp.resolve("model-int8.onnx");
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    Environment system = Environment.system();
    Environment captured =
        new Environment(
            system.env(),
            system.home(),
            new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8),
            system.err());
    int code =
        dev.mnistlab.cli.Main.commandLine(captured)
            .execute(
                "export",
                run.runDir().toString(),
                "--int8",
                "--calibration",
                "500",
                "--out",
                file.toString());
    String out = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(code).as(out).isZero();
    System.out.print(out);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "float ([0-9.]+)%, int8 ([0-9.]+)% .*same class for ([0-9,]+) of 10,000")
            .matcher(out);
    assertThat(m.find()).as(out).isTrue();
    double floatAcc = Double.parseDouble(m.group(1));
    double int8Acc = Double.parseDouble(m.group(2));
    int same = Integer.parseInt(m.group(3).replace(",", ""));
    // The float figure is the run's own; int8 loses at most a fraction of a point here.
    assertThat(floatAcc).isCloseTo(run.last().testAcc(), within(0.005));
    assertThat(int8Acc).isGreaterThan(floatAcc - 0.5);
    assertThat(same).isGreaterThan(9_900);
    assertThat(Files.size(file)).isLessThan(Files.size(run.runDir().resolve("model-0003.params")));
    OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
    assertThat(proto.getGraph().getNodeList())
        .anyMatch(n -> n.getOpType().equals("QuantizeLinear"))
        .anyMatch(n -> n.getOpType().equals("DequantizeLinear"));
    assertThat(proto.getMetadataPropsList())
        .anyMatch(e -> e.getKey().equals("quantization") && e.getValue().contains("500"));
  }

  /**
   * Layers the zoo may not use, so export is tried on them too: a depthwise-separable pair and a
   * conv of two groups.
   */
  private static final ModelSpec GROUPED =
      dev.mnistlab.model.ModelSpecParser.parse(
          "name: test/grouped\n"
              + "input: [1, 28, 28]\n"
              + "layers:\n"
              + "  - cbr: {out: 8}\n"
              + "  - cbr: {out: 8, groups: 8, dilation: 2, padding: 1}\n"
              + "  - cbr: {out: 12, kernel: 1}\n"
              + "  - maxpool: 2\n"
              + "  - conv: {out: 10, kernel: 3, groups: 2}\n"
              + "  - gap\n",
          "OnnxExportTest");

  @Test
  void everyZooEntryExportsAndAgreesUntrained() throws Exception {
    Engines.start(1);
    Random random = new Random(11);
    int n = 8;
    float[] pixels = new float[n * PIXELS];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextFloat();
    }
    Normalization norm = Dataset.MNIST.normalization();
    List<Path> files = new ArrayList<>();
    List<ModelSpec> specs = new ArrayList<>(ModelZoo.entries());
    specs.add(GROUPED);
    for (ModelSpec spec : specs) {
      try (Model model = Model.newInstance(spec.name(), Device.cpu())) {
        model.setBlock(BlockFactory.build(spec));
        NDManager manager = model.getNDManager();
        ModelSpec.Shape3 in = spec.inputShape();
        model
            .getBlock()
            .initialize(
                manager, DataType.FLOAT32, new Shape(1, in.channels(), in.height(), in.width()));
        randomizeBatchNorm(model, random);
        TrainedModel untrained = new TrainedModel(spec, model, norm);
        byte[] bytes = OnnxExporter.export(spec, model.getBlock(), norm, Map.of()).toByteArray();
        Path file = tmp.resolve(spec.name().replace('/', '_') + ".onnx");
        Files.write(file, bytes);
        files.add(file);
        float[][] djl = untrained.engineLogProbabilities(pixels, n);
        // Inference checks ONNX Runtime against the engine and then runs it.
        float[][] inferred = untrained.logProbabilities(pixels, n);
        assertThat(untrained.inference()).as(spec.name()).startsWith("ONNX Runtime ");
        try (OrtSession session = session(bytes)) {
          float[][] onnx = runOnnx(session, pixels, n);
          for (int i = 0; i < n; i++) {
            assertThat(onnx[i])
                .as("%s, image %d", spec.name(), i)
                .containsExactly(djl[i], org.assertj.core.data.Offset.offset(1e-4f));
            assertThat(inferred[i])
                .as("%s, image %d", spec.name(), i)
                .containsExactly(onnx[i], org.assertj.core.data.Offset.offset(1e-5f));
          }
        }
        // The inference operations (BatchNorm folded) in plain Java compute the same values.
        InferenceNet net = InferenceNet.of(spec, model.getBlock(), norm);
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          float[] image = java.util.Arrays.copyOfRange(pixels, i * PIXELS, (i + 1) * PIXELS);
          images.add(image);
          assertThat(net.forward(image))
              .as("%s folded, image %d", spec.name(), i)
              .containsExactly(djl[i], org.assertj.core.data.Offset.offset(1e-4f));
        }
        // Quantized to int8, its QDQ model in ONNX Runtime computes what the Java reference does,
        // up to a few uint8 codes that round the other way (ONNX Runtime sums in float, the
        // reference in double); a layout or scale mistake would be off by far more.
        Int8Net int8 = Int8Net.calibrate(net, images);
        byte[] qdq = QdqExporter.export(int8, Map.of()).toByteArray();
        Path qdqFile = tmp.resolve(spec.name().replace('/', '_') + "-int8.onnx");
        Files.write(qdqFile, qdq);
        files.add(qdqFile);
        try (OrtSession session = session(qdq)) {
          float[][] onnx = runOnnx(session, pixels, n);
          for (int i = 0; i < n; i++) {
            assertThat(onnx[i])
                .as("%s int8, image %d", spec.name(), i)
                .containsExactly(
                    int8.forward(images.get(i)), org.assertj.core.data.Offset.offset(0.1f));
          }
        }
        untrained.close(); // its ONNX Runtime session; the model is closed twice, harmlessly
      }
    }
    assertThat(files).hasSize(2 * specs.size());
    checkWithTheOnnxChecker(files);
  }

  /**
   * The ONNX project's own checker, with shape inference, accepts every file. Needs Python with
   * Debian's python3-onnx (CI installs it); skipped where it is missing.
   */
  private static void checkWithTheOnnxChecker(List<Path> files) throws Exception {
    Path python = Path.of("/usr/bin/python3");
    Assumptions.assumeTrue(
        Files.isExecutable(python)
            && new ProcessBuilder(python.toString(), "-c", "import onnx").start().waitFor() == 0,
        "python3-onnx is not installed");
    List<String> command =
        new ArrayList<>(
            List.of(
                python.toString(),
                "-c",
                "import onnx, sys\n"
                    + "for f in sys.argv[1:]:\n"
                    + "    onnx.checker.check_model(onnx.load(f), full_check=True)\n"
                    + "print('checked', len(sys.argv) - 1)"));
    files.forEach(f -> command.add(f.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as(output).isZero();
    assertThat(output.strip()).isEqualTo("checked " + files.size());
  }

  /** Running statistics and affine terms away from their defaults, so their order matters. */
  private static void randomizeBatchNorm(Model model, Random random) {
    for (Pair<String, Parameter> pair : model.getBlock().getParameters()) {
      String name = pair.getKey();
      float low;
      float width;
      if (name.endsWith("runningVar")) {
        low = 0.5f;
        width = 1.5f;
      } else if (name.endsWith("runningMean") || name.endsWith("beta")) {
        low = -0.5f;
        width = 1f;
      } else if (name.endsWith("gamma")) {
        low = 0.5f;
        width = 1f;
      } else {
        continue; // weights and biases keep their random initialization
      }
      var array = pair.getValue().getArray();
      float[] values = new float[(int) array.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = low + width * random.nextFloat();
      }
      array.set(FloatBuffer.wrap(values));
    }
  }
}
