package dev.mnistlab.bench;

import dev.mnistlab.DigitClassifier;
import dev.mnistlab.data.Augmentation;
import dev.mnistlab.data.BatchLoader;
import dev.mnistlab.data.Split;
import dev.mnistlab.eval.Evaluator;
import dev.mnistlab.eval.TrainedModel;
import dev.mnistlab.run.RunDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The bench's inference figures: as inference runs (ONNX Runtime) beside the training engine. */
final class InferenceBench {
  private InferenceBench() {}

  /**
   * Evaluation of the test split (batches of 1,000) and one-image latency through the Java API, as
   * inference runs them (ONNX Runtime where its check passes) and through the training engine; and
   * how many test images the two classify alike.
   */
  static List<Bench.Measure> measure(Path runDir, Split test, int rounds) {
    List<Double> evaluate = new ArrayList<>();
    List<Double> engineEvaluate = new ArrayList<>();
    List<Double> p50 = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    List<Double> engineP50 = new ArrayList<>();
    float[][] images = new float[2000][];
    for (int i = 0; i < images.length; i++) {
      images[i] = test.unitPixels(i % test.count(), 1);
    }
    int alike = 0;
    String engine;
    try (TrainedModel trained = RunDirectory.openComplete(runDir).loadTrained();
        DigitClassifier classifier = DigitClassifier.load(runDir);
        BatchLoader loader =
            new BatchLoader(test, trained.normalization(), 1000, Augmentation.NONE)) {
      // Chosen (and checked) before the clock starts, as a long-running process has it.
      engine = trained.inference();
      classifier.inference();
      for (int round = 0; round < rounds; round++) {
        long t0 = System.nanoTime();
        Evaluator.Predictions inferred = Evaluator.predict(trained, test);
        evaluate.add((System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        // Each epoch's evaluation during training: the training engine, batches of 1,000.
        Evaluator.Predictions trainingEngine =
            Evaluator.predict(
                trained.spec(), trained.model().getBlock(), trained.model().getNDManager(), loader);
        engineEvaluate.add((System.nanoTime() - t0) / 1e9);
        if (round == 0) {
          for (int i = 0; i < test.count(); i++) {
            alike += inferred.predicted()[i] == trainingEngine.predicted()[i] ? 1 : 0;
          }
        }
        double[] millis = new double[images.length];
        double[] engineMillis = new double[images.length];
        // Separate loops: one engine's idle threads never wait beside the other's calls.
        for (int i = 0; i < images.length; i++) {
          long s = System.nanoTime();
          classifier.predict(images[i]);
          millis[i] = (System.nanoTime() - s) / 1e6;
        }
        for (int i = 0; i < images.length; i++) {
          long s = System.nanoTime();
          trained.engineLogProbabilities(images[i], 1);
          engineMillis[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(millis);
        Arrays.sort(engineMillis);
        p50.add(millis[millis.length / 2]);
        p99.add(millis[(int) (millis.length * 0.99)]);
        engineP50.add(engineMillis[engineMillis.length / 2]);
      }
    }
    String calls = "2,000 calls a round; " + engine;
    return List.of(
        new Bench.Measure(
            "evaluate the 10,000 test images (batches of 1,000)",
            Bench.MNISTLAB,
            "s",
            evaluate,
            engine),
        new Bench.Measure(
            "the same through the training engine (as each epoch evaluates)",
            Bench.MNISTLAB,
            "s",
            engineEvaluate,
            ""),
        new Bench.Measure(
            "test images classified as the training engine classifies them",
            Bench.MNISTLAB,
            "images",
            List.of((double) alike),
            String.format(Locale.ROOT, "of %,d", test.count())
                + (engine.startsWith("ONNX Runtime") ? "" : "; the training engine answered both")),
        new Bench.Measure("one image through the Java API, p50", Bench.MNISTLAB, "ms", p50, calls),
        new Bench.Measure("one image through the Java API, p99", Bench.MNISTLAB, "ms", p99, calls),
        new Bench.Measure(
            "one image through the training engine, p50",
            Bench.MNISTLAB,
            "ms",
            engineP50,
            "2,000 calls a round"));
  }
}
