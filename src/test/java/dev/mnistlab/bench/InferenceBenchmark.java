package dev.mnistlab.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.mnistlab.DigitClassifier;
import dev.mnistlab.cli.Environment;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.data.Split;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.eval.Evaluator;
import dev.mnistlab.eval.TrainedModel;
import dev.mnistlab.export.OnnxExporter;
import dev.mnistlab.run.RunDirectory;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Inference speed of a trained run on this machine, side by side in one process: scoring the 10,000
 * MNIST test images (batches of 1,000) and single-image latency, through mnistlab (the evaluator
 * and the Java API, as inference runs them: ONNX Runtime since 2026-12-07, or the training engine
 * with {@code MNISTLAB_INFERENCE=engine}) and through ONNX Runtime called bare on the exported
 * file. Not a test: run it with {@code InferenceBenchmark RUN_DIR [THREADS] [ROUNDS]} (see
 * docs/RESULTS.md).
 */
public final class InferenceBenchmark {
  private static final int SINGLE_CALLS = 2000;

  private InferenceBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path runDir = Path.of(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Engines.start(threads);
    DataStore.Loaded data = Environment.system().dataStore().load(Dataset.MNIST, null);
    Split test = data.test();
    float[] pixels = test.unitPixels(0, test.count());
    byte[] onnx;
    try (TrainedModel trained = RunDirectory.openComplete(runDir).loadTrained()) {
      onnx =
          OnnxExporter.export(
                  trained.spec(), trained.model().getBlock(), trained.normalization(), Map.of())
              .toByteArray();
    }
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(threads);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    List<Double> djlEval = new ArrayList<>();
    List<Double> ortEval = new ArrayList<>();
    List<double[]> djlSingle = new ArrayList<>();
    List<double[]> ortSingle = new ArrayList<>();
    try (TrainedModel trained = RunDirectory.openComplete(runDir).loadTrained();
        DigitClassifier classifier = DigitClassifier.load(runDir);
        OrtSession session = env.createSession(onnx, options)) {
      System.out.println("mnistlab's inference: " + trained.inference());
      classifier.inference();
      for (int round = 0; round < rounds; round++) {
        long t0 = System.nanoTime();
        double accuracy = Evaluator.predict(trained, test).accuracy();
        djlEval.add((System.nanoTime() - t0) / 1e9);

        t0 = System.nanoTime();
        int correct = 0;
        for (int from = 0; from < test.count(); from += 1000) {
          float[] batch = Arrays.copyOfRange(pixels, from * 784, (from + 1000) * 784);
          try (OnnxTensor input =
                  OnnxTensor.createTensor(
                      env, FloatBuffer.wrap(batch), new long[] {1000, 1, 28, 28});
              OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
            float[][] out = (float[][]) result.get(0).getValue();
            for (int i = 0; i < 1000; i++) {
              correct += argMax(out[i]) == test.labels()[from + i] ? 1 : 0;
            }
          }
        }
        ortEval.add((System.nanoTime() - t0) / 1e9);
        if (round == 0) {
          System.out.printf(
              Locale.ROOT,
              "accuracy: mnistlab %.2f%%, ONNX Runtime %.2f%%%n",
              accuracy,
              correct / 100.0);
        }

        double[] djl = new double[SINGLE_CALLS];
        double[] ort = new double[SINGLE_CALLS];
        for (int i = 0; i < SINGLE_CALLS; i++) {
          float[] one = Arrays.copyOfRange(pixels, (i % 10_000) * 784, (i % 10_000 + 1) * 784);
          long s = System.nanoTime();
          classifier.predict(one);
          djl[i] = (System.nanoTime() - s) / 1e6;
        }
        for (int i = 0; i < SINGLE_CALLS; i++) {
          float[] one = Arrays.copyOfRange(pixels, (i % 10_000) * 784, (i % 10_000 + 1) * 784);
          long s = System.nanoTime();
          try (OnnxTensor input =
                  OnnxTensor.createTensor(env, FloatBuffer.wrap(one), new long[] {1, 1, 28, 28});
              OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
            result.get(0).getValue();
          }
          ort[i] = (System.nanoTime() - s) / 1e6;
        }
        djlSingle.add(djl);
        ortSingle.add(ort);
        System.out.printf(
            Locale.ROOT,
            "round %d: 10,000 images mnistlab %.3f s, ONNX Runtime %.3f s; one image p50 %.3f / %.3f ms%n",
            round + 1,
            djlEval.get(round),
            ortEval.get(round),
            percentile(djl, 50),
            percentile(ort, 50));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%nmedians over %d rounds, %d threads:%n"
            + "| | mnistlab (its inference path, above) | ONNX Runtime (exported file, bare) |%n"
            + "|---|---:|---:|%n"
            + "| 10,000 test images, batches of 1,000 | %.3f s (%,.0f images/s) | %.3f s (%,.0f images/s) |%n"
            + "| one image, p50 | %.3f ms | %.3f ms |%n"
            + "| one image, p99 | %.3f ms | %.3f ms |%n",
        rounds,
        threads,
        median(djlEval),
        10_000 / median(djlEval),
        median(ortEval),
        10_000 / median(ortEval),
        medianOf(djlSingle, 50),
        medianOf(ortSingle, 50),
        medianOf(djlSingle, 99),
        medianOf(ortSingle, 99));
  }

  private static int argMax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      best = v[i] > v[best] ? i : best;
    }
    return best;
  }

  private static double percentile(double[] values, int p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static double median(List<Double> values) {
    return percentile(values.stream().mapToDouble(Double::doubleValue).toArray(), 50);
  }

  private static double medianOf(List<double[]> rounds, int p) {
    return median(rounds.stream().map(r -> percentile(r, p)).toList());
  }
}
