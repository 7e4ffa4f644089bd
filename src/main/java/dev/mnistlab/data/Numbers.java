package dev.mnistlab.data;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Numbers written for people, in chart ticks, captions and reports: {@code 0.1}, {@code 0.01},
 * {@code 1e-4}, {@code 2.3}, {@code 15}; never {@code 0.138268590163136}, {@code 1.0E-4} or {@code
 * 2.302605E0}. Shared so that every picture and table writes a value the same way.
 */
public final class Numbers {
  /** Significant digits kept: enough for a tick or a setting, short enough to read. */
  private static final int DIGITS = 4;

  private Numbers() {}

  /**
   * {@code value} with at most 4 significant digits, trailing zeros dropped; plain notation from
   * 0.001 up to a million, otherwise {@code 1e-4}, {@code 2.5e-5} or {@code 3e6}.
   */
  public static String format(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.isNaN(value) ? "NaN" : value > 0 ? "∞" : "−∞";
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

  /** A count with thousands separators: {@code 60,000}. */
  public static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }
}
