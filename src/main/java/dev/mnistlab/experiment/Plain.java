package dev.mnistlab.experiment;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;

/**
 * Numbers and counts as a person writes them, for console output: {@code 0.0001} rather than Java's
 * {@code 1.0E-4}, {@code 1 epoch} rather than {@code 1 epochs}, {@code 5, 10} rather than {@code
 * [5, 10]}.
 */
public final class Plain {
  private Plain() {}

  /** The shortest exact decimal form, without exponent or trailing zeros: 0.0001, 15, 0.85. */
  public static String number(double value) {
    if (!Double.isFinite(value)) {
      return Double.toString(value);
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  /**
   * A computed value to four significant digits, without exponent: 0.1 / 25 / 10000 is {@code
   * 0.0000004}, not {@code 3.9999999999999996E-7}.
   */
  public static String rounded(double value) {
    if (!Double.isFinite(value) || value == 0) {
      return number(value);
    }
    return number(new BigDecimal(value).round(new MathContext(4)).doubleValue());
  }

  /** A fraction as a percentage: 0.3 is {@code 30%}. */
  public static String percent(double fraction) {
    return rounded(fraction * 100) + "%";
  }

  /** {@code 1 epoch}, {@code 2 epochs}, {@code 60,000 images}: the unit's plural adds an s. */
  public static String count(long n, String unit) {
    return String.format(Locale.ROOT, "%,d %s%s", n, unit, n == 1 ? "" : "s");
  }

  /** The items joined by commas, without brackets. */
  public static String list(List<?> items) {
    return String.join(", ", items.stream().map(Plain::item).toList());
  }

  private static String item(Object item) {
    return item instanceof Double d ? number(d) : String.valueOf(item);
  }
}
