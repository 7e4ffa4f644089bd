package dev.mnistlab.cli;

import dev.mnistlab.text.Reasons;
import java.util.List;
import java.util.Locale;

/** Small pieces of English for the commands' output: counts with their noun, lists. */
final class Text {
  private Text() {}

  /** {@code 1 epoch}, {@code 15 epochs}, {@code 60,000 images}: the noun agrees with the count. */
  static String count(long n, String noun) {
    return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
  }

  /** A number as a person writes it: {@code 0.0001} and {@code 10}, not {@code 1.0E-4}. */
  static String number(double value) {
    return Reasons.number(value);
  }

  /** {@code a, b and c}; a single item alone, none as {@code none}. */
  static String list(List<String> items) {
    if (items.isEmpty()) {
      return "none";
    }
    if (items.size() == 1) {
      return items.get(0);
    }
    return String.join(", ", items.subList(0, items.size() - 1))
        + " and "
        + items.get(items.size() - 1);
  }
}
