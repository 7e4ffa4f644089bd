package dev.mnistlab.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mnistlab.model.ModelSpec;
import java.util.List;
import java.util.Locale;

/**
 * A trained model scored on a labelled split: accuracy and loss, per-class precision, recall and
 * F1, the confusion matrix and the most confident mistakes.
 *
 * @param images how many images were classified
 * @param accuracy percentage classified correctly
 * @param loss mean cross-entropy per image
 * @param perClass one score per digit
 * @param confusion counts by true digit (rows) and predicted digit (columns)
 * @param mistakes the most confidently wrong images, most confident first
 */
public record Evaluation(
    int images,
    double accuracy,
    double loss,
    @JsonProperty("per_class") List<Evaluator.ClassScore> perClass,
    long[][] confusion,
    List<Mistake> mistakes) {

  /**
   * One misclassified image.
   *
   * @param index its position in the split's file
   * @param label the true digit
   * @param predicted the network's answer
   * @param confidence the probability the network gave its answer
   */
  public record Mistake(int index, int label, int predicted, float confidence) {}

  /** Scores {@code predictions}, keeping the {@code mistakes} most confident mistakes. */
  public static Evaluation of(Evaluator.Predictions predictions, int mistakes) {
    return new Evaluation(
        predictions.labels().length,
        predictions.accuracy(),
        predictions.loss(),
        predictions.perClass(ModelSpec.CLASSES),
        predictions.confusion(ModelSpec.CLASSES),
        predictions.misclassified(mistakes).stream()
            .map(
                i ->
                    new Mistake(
                        i,
                        predictions.labels()[i],
                        predictions.predicted()[i],
                        predictions.confidence()[i]))
            .toList());
  }

  /** The per-class table, the confusion matrix and the mistakes, as plain text. */
  public String toText() {
    StringBuilder b = new StringBuilder();
    b.append("digit  precision  recall      F1  support\n");
    for (Evaluator.ClassScore c : perClass) {
      b.append(
          String.format(
              Locale.ROOT,
              "%5d  %8.2f%%  %5.2f%%  %5.2f%%  %7d%n",
              c.digit(),
              100 * c.precision(),
              100 * c.recall(),
              100 * c.f1(),
              c.support()));
    }
    b.append("\nconfusion matrix (rows: true digit, columns: predicted digit)\n      ");
    for (int c = 0; c < confusion.length; c++) {
      b.append(String.format(Locale.ROOT, "%6d", c));
    }
    b.append('\n');
    for (int r = 0; r < confusion.length; r++) {
      b.append(String.format(Locale.ROOT, "%6d", r));
      for (long count : confusion[r]) {
        b.append(String.format(Locale.ROOT, "%6d", count));
      }
      b.append('\n');
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%nthe %d most confident mistakes (test image index: true → predicted, confidence)%n",
            mistakes.size()));
    for (Mistake m : mistakes) {
      b.append(
          String.format(
              Locale.ROOT,
              "  #%-5d %d → %d  %6.2f%%%n",
              m.index(),
              m.label(),
              m.predicted(),
              100 * m.confidence()));
    }
    return b.toString();
  }
}
