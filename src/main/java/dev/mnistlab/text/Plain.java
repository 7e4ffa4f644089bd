package dev.mnistlab.text;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/**
 * Numbers, counts and lists as a person writes them, for every command's output, report, chart tick
 * and caption: {@code 0.0001} or {@code 1e-4} rather than Java's {@code 1.0E-4}, {@code 1 epoch}
 * rather than {@code 1 epochs}, {@code 5, 10} rather than {@code [5, 10]}. One class, so every
 * place writes a value the same way.
 */
public final class Plain {
  /** Significant digits of a computed value: enough for a tick or a setting, short to read. */
  private static final int DIGITS = 4;

  private Plain() {}

  /** A setting exactly as given, shortest decimal form without exponent: 0.0001, 15, 0.85. */
  public static String number(double value) {
    if (!Double.isFinite(value)) {
      return nonFinite(value);
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
    return number(new BigDecimal(value).round(new MathContext(DIGITS)).doubleValue());
  }

  /**
   * A computed value to four significant digits for a chart or table: plain notation from 0.001 up
   * to a million, otherwise {@code 1e-4}, {@code 2.5e-5} or {@code 3e6}.
   */
  public static String significant(double value) {
    if (!Double.isFinite(value)) {
      return nonFinite(value);
    }
    if (value == 0) {
      return "0";
    }
    BigDecimal rounded =
        new BigDecimal(value).round(new MathContext(DIGITS, RoundingMode.HALF_EVEN));
    double magnitude = Math.abs(rounded.doubleValue());
    if (magnitude >= 1e-3 && magnitude < 1e6) {
      return rounded.stripTrailingZeros().toPlainString();
    }
    int exponent = rounded.precision() - rounded.scale() - 1;
    BigDecimal mantissa = rounded.movePointLeft(exponent).stripTrailingZeros();
    return mantissa.toPlainString() + "e" + exponent;
  }

  /** A fraction as a percentage: 0.3 is {@code 30%}. */
  public static String percent(double fraction) {
    return rounded(fraction * 100) + "%";
  }

  /** A count with thousands separators: {@code 60,000}. */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** {@code 1 epoch}, {@code 2 epochs}, {@code 60,000 images}: the unit's plural adds an s. */
  public static String count(long n, String unit) {
    return count(n) + " " + unit + (n == 1 ? "" : "s");
  }

  /** The items joined by commas, without brackets; numbers written by {@link #number}. */
  public static String list(List<?> items) {
    return String.join(", ", items.stream().map(Plain::item).toList());
  }

  /** {@code a, b and c}; a single item alone, none as {@code none}. */
  public static String sentence(List<String> items) {
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

  /**
   * A value from a file, in quotes, cut to {@code max} characters (with an ellipsis) so that a
   * message naming a bad value never prints a whole hostile file; control characters are shown as
   * {@code \\uXXXX}.
   */
  public static String quote(String value, int max) {
    StringBuilder out = new StringBuilder("'");
    int end = Math.min(value.length(), max);
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : c);
    }
    return out.append(value.length() > max ? "…'" : "'").toString();
  }

  private static String item(Object item) {
    return item instanceof Double d ? number(d) : String.valueOf(item);
  }

  private static String nonFinite(double value) {
    return Double.isNaN(value) ? "NaN" : value > 0 ? "infinity" : "-infinity";
  }
}
