package dev.mnistlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.data.Split;
import dev.mnistlab.eval.Evaluator;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The Java API on the suite's real trained run, with pictures the test makes itself. */
@Tag("integration")
class DigitClassifierTest {
  private static final int N = 300;

  private static double accuracy(List<DigitClassifier.Prediction> predictions, int[] labels) {
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      correct += predictions.get(i).digit() == labels[i] ? 1 : 0;
    }
    return 100.0 * correct / labels.length;
  }

  @Test
  void pixelsGiveTheEvaluatorsAnswers() {
    RunResult run = TrainedRuns.mnist();
    Split test = TrainedRuns.mnistData().test();
    Evaluator.Predictions reference;
    try (var trained = RunDirectory.openComplete(run.runDir()).loadTrained()) {
      reference = Evaluator.predict(trained, test.first(N));
    }
    try (DigitClassifier classifier = DigitClassifier.load(run.runDir())) {
      List<float[]> images = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        images.add(test.unitPixels(i, 1));
      }
      List<DigitClassifier.Prediction> batch = classifier.predictBatch(images);
      for (int i = 0; i < N; i++) {
        assertThat(batch.get(i).digit()).as("image %d", i).isEqualTo(reference.predicted()[i]);
        float sum = 0;
        for (float p : batch.get(i).probabilities()) {
          sum += p;
        }
        assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
      }
      DigitClassifier.Prediction one = classifier.predict(images.get(0));
      // A batch of one runs other kernels than a batch of 300: equal to float rounding.
      assertThat(one.probabilities())
          .containsExactly(
              batch.get(0).probabilities(), org.assertj.core.data.Offset.offset(1e-5f));
      assertThat(one.top(3)).hasSize(3);
      assertThat(one.top(3).get(0))
          .isEqualTo(new DigitClassifier.Guess(one.digit(), one.probability()));
      assertThat(one.top(3).get(0).toString()).matches("\\d \\(\\d{1,3}\\.\\d%\\)");
      assertThat(classifier.card().toString())
          .startsWith(classifier.card().name() + ": ")
          .contains("trainable parameters", "% test accuracy on mnist", "receptive field");

      DigitClassifier.ModelCard card = classifier.card();
      assertThat(card.name()).isEqualTo("mnistlab/compact");
      assertThat(card.trainableParams()).isEqualTo(7900);
      assertThat(card.testAccuracy()).isEqualTo(run.last().testAcc());
      assertThat(card.receptiveField()).isGreaterThan(28);
      assertThat(card.trained()).isNotNull();
    }
  }

  @Test
  void realDigitsInUsersPicturesAreRead() {
    RunResult run = TrainedRuns.mnist();
    Split test = TrainedRuns.mnistData().test();
    int[] labels = new int[N];
    List<BufferedImage> plain = new ArrayList<>();
    List<BufferedImage> paper = new ArrayList<>();
    List<BufferedImage> transparent = new ArrayList<>();
    Color[][] sheets = {
      {Color.WHITE, Color.BLACK},
      {new Color(250, 235, 170), new Color(20, 30, 140)},
      {new Color(200, 220, 255), new Color(90, 20, 20)}
    };
    for (int i = 0; i < N; i++) {
      labels[i] = test.labels()[i];
      BufferedImage digit = DigitPictures.mnist(test, i);
      plain.add(digit);
      Color[] sheet = sheets[i % sheets.length];
      paper.add(
          DigitPictures.onPaper(
              digit, 3 + i % 5, (i % 7) * 5 - 15, (i % 3) * 6, sheet[0], sheet[1]));
      transparent.add(DigitPictures.transparent(digit, 4));
    }
    double direct;
    try (var trained = RunDirectory.openComplete(run.runDir()).loadTrained()) {
      direct = Evaluator.predict(trained, test.first(N)).accuracy();
    }
    try (DigitClassifier classifier = DigitClassifier.load(run.runDir())) {
      double onPlain = accuracy(classifier.predictImages(plain), labels);
      double onPaper = accuracy(classifier.predictImages(paper), labels);
      double onTransparent = accuracy(classifier.predictImages(transparent), labels);
      List<DigitClassifier.Prediction> typed = new ArrayList<>();
      List<Integer> typedLabels = new ArrayList<>();
      for (String font : DigitPictures.FONTS) {
        for (int style : new int[] {Font.PLAIN, Font.BOLD}) {
          for (int d = 0; d < 10; d++) {
            typed.add(classifier.predict(DigitPictures.typed(d, font, style, 96)));
            typedLabels.add(d);
          }
        }
      }
      double onTyped = accuracy(typed, typedLabels.stream().mapToInt(Integer::intValue).toArray());
      System.out.printf(
          "predict accuracy: the network on the IDX pixels %.1f%%; through preprocessing: MNIST"
              + " as PNG %.1f%%, on paper %.1f%%, transparent %.1f%%, typed %.1f%%%n",
          direct, onPlain, onPaper, onTransparent, onTyped);
      // Measured with this fixture (3 epochs on 10,000 images): 97.7 on the pixels; 96.7, 96.0,
      // 96.7 and 86.0 through preprocessing. Floors leave room for the thread count the suite's
      // first test gave the engine.
      assertThat(direct).isGreaterThanOrEqualTo(95);
      assertThat(onPlain).isGreaterThanOrEqualTo(direct - 3);
      assertThat(onPaper).isGreaterThanOrEqualTo(direct - 4);
      assertThat(onTransparent).isGreaterThanOrEqualTo(direct - 4);
      assertThat(onTyped).isGreaterThanOrEqualTo(75);
    }
  }

  @Test
  void sharedBetweenThreadsAndClosable() throws Exception {
    RunResult run = TrainedRuns.mnist();
    DigitClassifier classifier = DigitClassifier.load(run.runDir());
    BufferedImage seven = DigitPictures.mnist(TrainedRuns.mnistData().test(), 0);
    int expected = classifier.predict(seven).digit();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        answers.add(pool.submit(() -> classifier.predict(seven).digit()));
      }
      for (Future<Integer> a : answers) {
        assertThat(a.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdown();
    }
    classifier.close();
    classifier.close(); // idempotent
    assertThatThrownBy(() -> classifier.predict(seven))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void malformedPixelsAreRefusedNamingTheValue() {
    try (DigitClassifier classifier = DigitClassifier.load(TrainedRuns.mnist().runDir())) {
      assertThatThrownBy(() -> classifier.predict(new float[783]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("expected 784 pixels (28×28), got 783");
      float[] nan = new float[784];
      nan[17] = Float.NaN;
      assertThatThrownBy(() -> classifier.predict(nan))
          .hasMessage("pixel 17 is NaN; pixels must be in [0, 1]");
      float[] big = new float[784];
      big[3] = 255;
      assertThatThrownBy(() -> classifier.predictBatch(List.of(new float[784], big)))
          .hasMessage("image 1: pixel 3 is 255.0; pixels must be in [0, 1]");
    }
    assertThatThrownBy(() -> DigitClassifier.load(java.nio.file.Path.of("no/such/run")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a run directory");
  }
}
