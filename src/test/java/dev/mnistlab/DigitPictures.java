package dev.mnistlab;

import dev.mnistlab.data.Split;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Pictures of digits that tests make themselves, as users' pictures would come. */
public final class DigitPictures {
  private DigitPictures() {}

  /** The fonts the JDK always has (logical fonts). */
  public static final String[] FONTS = {
    Font.SANS_SERIF, Font.SERIF, Font.MONOSPACED, Font.DIALOG, Font.DIALOG_INPUT
  };

  /** Test image {@code index} of {@code split} as an 8-bit grey picture, white ink on black. */
  public static BufferedImage mnist(Split split, int index) {
    BufferedImage image =
        new BufferedImage(split.cols(), split.rows(), BufferedImage.TYPE_BYTE_GRAY);
    int size = split.imageSize();
    for (int p = 0; p < size; p++) {
      int g = split.pixels()[index * size + p] & 0xff;
      image.getRaster().setSample(p % split.cols(), p / split.cols(), 0, g);
    }
    return image;
  }

  /** {@code image} as the bytes of a PNG file. */
  public static byte[] png(BufferedImage image) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      javax.imageio.ImageIO.write(image, "png", out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // writing to memory
    }
    return out.toByteArray();
  }

  /**
   * Test image {@code index} as a photo of cream paper with dark blue ink, scaled 3–5× and shifted
   * by an amount that depends on the index: the pictures the server's tests and benchmark send.
   */
  public static BufferedImage paperPhoto(Split split, int index) {
    return onPaper(
        mnist(split, index),
        3 + index % 3,
        index % 7,
        index % 5,
        new Color(250, 246, 235),
        new Color(30, 30, 80));
  }

  /**
   * The same digit as a photo of paper would show it: dark ink on a light coloured sheet, scaled up
   * {@code zoom} times (bilinear) and shifted into a larger canvas.
   */
  public static BufferedImage onPaper(
      BufferedImage digit, int zoom, int shiftX, int shiftY, Color paper, Color ink) {
    int w = digit.getWidth() * zoom + 60;
    int h = digit.getHeight() * zoom + 40;
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double sx = (x - 30 - shiftX + 0.5) / zoom - 0.5;
        double sy = (y - 20 - shiftY + 0.5) / zoom - 0.5;
        double a = sample(digit, sx, sy) / 255.0;
        out.setRGB(x, y, mix(paper, ink, a));
      }
    }
    return out;
  }

  /** The digit as black strokes on a transparent sheet (ARGB), scaled up {@code zoom} times. */
  public static BufferedImage transparent(BufferedImage digit, int zoom) {
    int w = digit.getWidth() * zoom;
    int h = digit.getHeight() * zoom;
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int alpha = (int) Math.round(sample(digit, (x + 0.5) / zoom - 0.5, (y + 0.5) / zoom - 0.5));
        out.setRGB(x, y, alpha << 24);
      }
    }
    return out;
  }

  /** {@code digit} typed in a JDK font, black on white, in a {@code size}-pixel square. */
  public static BufferedImage typed(int digit, String font, int style, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, size, size);
    g.setColor(Color.BLACK);
    g.setFont(new Font(font, style, size * 3 / 4));
    String text = Integer.toString(digit);
    int width = g.getFontMetrics().stringWidth(text);
    g.drawString(text, (size - width) / 2, size * 3 / 4);
    g.dispose();
    return image;
  }

  private static double sample(BufferedImage grey, double x, double y) {
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    double ax = x - x0;
    double ay = y - y0;
    return (1 - ay) * ((1 - ax) * at(grey, x0, y0) + ax * at(grey, x0 + 1, y0))
        + ay * ((1 - ax) * at(grey, x0, y0 + 1) + ax * at(grey, x0 + 1, y0 + 1));
  }

  private static int at(BufferedImage grey, int x, int y) {
    if (x < 0 || y < 0 || x >= grey.getWidth() || y >= grey.getHeight()) {
      return 0;
    }
    return grey.getRaster().getSample(x, y, 0);
  }

  private static int mix(Color paper, Color ink, double a) {
    int r = (int) Math.round(paper.getRed() * (1 - a) + ink.getRed() * a);
    int g = (int) Math.round(paper.getGreen() * (1 - a) + ink.getGreen() * a);
    int b = (int) Math.round(paper.getBlue() * (1 - a) + ink.getBlue() * a);
    return (r << 16) | (g << 8) | b;
  }
}
