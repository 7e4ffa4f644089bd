package dev.mnistlab.report;

import dev.mnistlab.data.DigitImages;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * One PNG showing, for each classified picture, the picture as given beside the 28×28 image the
 * network saw and its answer, so a user can see why it decided.
 */
public final class PredictionSheet {
  private static final int CELL = 112;
  private static final int PAD = 12;
  private static final int TEXT = 300;

  private PredictionSheet() {}

  /**
   * One row of the sheet.
   *
   * @param name the file name
   * @param picture the picture as given
   * @param seen the 28×28 pixels in [0, 1] the network saw
   * @param answer the answer, e.g. {@code "7 98.1%"}
   * @param detail a second line, e.g. the runners-up
   */
  public record Row(
      String name, BufferedImage picture, float[] seen, String answer, String detail) {}

  /** Draws the rows and writes {@code out} as PNG. */
  public static void write(List<Row> rows, Path out) throws IOException {
    int width = PAD + CELL + PAD + CELL + PAD + TEXT;
    int height = PAD + rows.size() * (CELL + PAD) + 20;
    BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString("given", PAD, PAD + 2);
    g.drawString("seen by the network (28×28)", PAD + CELL + PAD, PAD + 2);
    int top = PAD + 10;
    for (Row row : rows) {
      drawFitted(g, row.picture(), PAD, top);
      float[] grey = new float[row.seen().length];
      for (int i = 0; i < grey.length; i++) {
        grey[i] = 255 * row.seen()[i];
      }
      DigitImages.draw(sheet, grey, 28, 28, PAD + CELL + PAD, top, CELL / 28);
      int textLeft = PAD + CELL + PAD + CELL + PAD;
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 28));
      g.drawString(row.answer(), textLeft, top + 40);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      g.setColor(Color.DARK_GRAY);
      g.drawString(row.detail(), textLeft, top + 66);
      g.drawString(shorten(row.name(), 40), textLeft, top + 90);
      top += CELL + PAD;
    }
    g.dispose();
    ImageIO.write(sheet, "png", out.toFile());
  }

  private static void drawFitted(Graphics2D g, BufferedImage picture, int left, int top) {
    double scale =
        Math.min((double) CELL / picture.getWidth(), (double) CELL / picture.getHeight());
    int w = Math.max(1, (int) Math.round(picture.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(picture.getHeight() * scale));
    // A checkerboard shows transparency.
    for (int y = 0; y < CELL; y += 8) {
      for (int x = 0; x < CELL; x += 8) {
        g.setColor(((x + y) / 8) % 2 == 0 ? new Color(0xEEEEEE) : new Color(0xDDDDDD));
        g.fillRect(left + x, top + y, 8, 8);
      }
    }
    g.drawImage(picture, left + (CELL - w) / 2, top + (CELL - h) / 2, w, h, null);
    g.setColor(Color.GRAY);
    g.drawRect(left, top, CELL - 1, CELL - 1);
  }

  private static String shorten(String text, int max) {
    return text.length() <= max ? text : "…" + text.substring(text.length() - max + 1);
  }
}
