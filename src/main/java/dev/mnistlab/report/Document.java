package dev.mnistlab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A report as a list of blocks, rendered to GitHub Markdown (images as files beside it) and to one
 * self-contained HTML page (images embedded), so both say exactly the same.
 */
public final class Document {
  /** A piece of the report. */
  public sealed interface Block {}

  /** A heading of {@code level} 1–4. */
  public record Heading(int level, String text) implements Block {}

  /** A paragraph of plain text (no markup). */
  public record Paragraph(String text) implements Block {}

  /** A bullet list of plain-text items. */
  public record Bullets(List<String> items) implements Block {}

  /** A warning that must not be overlooked (a smoke run beside full ones): boxed, in bold. */
  public record Warning(String text) implements Block {}

  /**
   * Blocks folded under a one-line summary ({@code <details>}), for long text that would bury the
   * rest on a phone; open says whether it starts unfolded.
   */
  public record Folded(String summary, boolean open, List<Block> blocks) implements Block {}

  /**
   * A table; {@code rightAligned[i]} aligns column i right (numbers).
   *
   * @param rows cells as plain text, where {@code **words**} marks bold (Markdown's own; {@code
   *     <b>} in HTML)
   */
  public record Table(List<String> headers, boolean[] rightAligned, List<List<String>> rows)
      implements Block {

    /**
     * The table as aligned plain text for a terminal: columns padded to their widest cell, numbers
     * right-aligned.
     */
    public String toText() {
      int[] width = new int[headers.size()];
      List<List<String>> all = new ArrayList<>();
      all.add(headers);
      all.addAll(rows);
      for (List<String> row : all) {
        for (int c = 0; c < row.size() && c < width.length; c++) {
          width[c] = Math.max(width[c], row.get(c).length());
        }
      }
      StringBuilder b = new StringBuilder();
      for (List<String> row : all) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < row.size() && c < width.length; c++) {
          String cell = row.get(c);
          String pad = " ".repeat(width[c] - cell.length());
          boolean right = c < rightAligned.length && rightAligned[c];
          line.append(right ? pad + cell : cell + pad).append("  ");
        }
        b.append(line.toString().stripTrailing()).append('\n');
      }
      return b.toString();
    }
  }

  /**
   * A PNG image.
   *
   * @param file name under the images folder, for Markdown
   * @param alt what the image shows
   */
  public record Image(String file, String alt, byte[] png) implements Block {}

  private final String title;
  private final List<Block> blocks = new ArrayList<>();

  /** An empty document whose first heading is {@code title}. */
  public Document(String title) {
    this.title = title;
    blocks.add(new Heading(1, title));
  }

  /** Appends a block. */
  public Document add(Block block) {
    blocks.add(block);
    return this;
  }

  /** The blocks so far. */
  public List<Block> blocks() {
    return List.copyOf(blocks);
  }

  /**
   * Writes {@code NAME.md} with its images in {@code NAME-images/}, and {@code NAME.html}.
   *
   * @return the two files written
   */
  public List<Path> write(Path dir, String name) throws IOException {
    Path images = dir.resolve(name + "-images");
    Files.createDirectories(images);
    StringBuilder md = new StringBuilder();
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
        .append(escape(title))
        .append("</title>\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<style>")
        .append(CSS)
        .append("</style></head>\n<body>\n");
    render(blocks, images, name, md, html);
    html.append("</body></html>\n");
    Path mdFile = dir.resolve(name + ".md");
    Path htmlFile = dir.resolve(name + ".html");
    Files.writeString(mdFile, md.toString());
    Files.writeString(htmlFile, html.toString());
    return List.of(mdFile, htmlFile);
  }

  private static void render(
      List<Block> blocks, Path images, String name, StringBuilder md, StringBuilder html)
      throws IOException {
    for (Block block : blocks) {
      if (block instanceof Heading h) {
        md.append("#".repeat(h.level())).append(' ').append(h.text()).append("\n\n");
        html.append(String.format("<h%d>%s</h%d>%n", h.level(), escape(h.text()), h.level()));
      } else if (block instanceof Paragraph p) {
        md.append(p.text()).append("\n\n");
        html.append("<p>").append(escape(p.text())).append("</p>\n");
      } else if (block instanceof Warning w) {
        md.append("> **").append(w.text()).append("**\n\n");
        html.append("<p class=\"warn\">").append(escape(w.text())).append("</p>\n");
      } else if (block instanceof Bullets b) {
        html.append("<ul>\n");
        for (String item : b.items()) {
          md.append("- ").append(item).append('\n');
          html.append("<li>").append(escape(item)).append("</li>\n");
        }
        md.append('\n');
        html.append("</ul>\n");
      } else if (block instanceof Folded f) {
        // GitHub renders <details> in Markdown too; the blank lines let Markdown inside it work.
        String open = f.open() ? "<details open>" : "<details>";
        md.append(open).append("<summary>").append(escape(f.summary())).append("</summary>\n\n");
        html.append(open).append("<summary>").append(escape(f.summary())).append("</summary>\n");
        render(f.blocks(), images, name, md, html);
        md.append("</details>\n\n");
        html.append("</details>\n");
      } else if (block instanceof Table t) {
        table(t, md, html);
      } else if (block instanceof Image i) {
        Files.write(images.resolve(i.file()), i.png());
        md.append("![")
            .append(i.alt())
            .append("](")
            .append(name)
            .append("-images/")
            .append(i.file())
            .append(")\n\n");
        html.append("<img alt=\"")
            .append(escape(i.alt()))
            .append("\" src=\"data:image/png;base64,")
            .append(Base64.getEncoder().encodeToString(i.png()))
            .append("\">\n");
      }
    }
  }

  /** Cells longer than this fold in HTML behind their first sentence. */
  private static final int LONG_CELL = 160;

  private static void table(Table t, StringBuilder md, StringBuilder html) {
    md.append("| ").append(String.join(" | ", t.headers().stream().map(Document::cell).toList()));
    md.append(" |\n|");
    // On a narrow screen the table scrolls sideways inside its box instead of widening the page.
    html.append("<div class=\"scroll\"><table>\n<tr>");
    for (int c = 0; c < t.headers().size(); c++) {
      md.append(right(t, c) ? "---:|" : "---|");
      html.append("<th>").append(escape(t.headers().get(c))).append("</th>");
    }
    md.append('\n');
    html.append("</tr>\n");
    for (List<String> row : t.rows()) {
      md.append("| ").append(String.join(" | ", row.stream().map(Document::cell).toList()));
      md.append(" |\n");
      html.append("<tr>");
      for (int c = 0; c < row.size(); c++) {
        // Wide text gets room, so that on a phone it does not stack into a column of words.
        html.append(
                right(t, c)
                    ? "<td class=\"n\">"
                    : row.get(c).length() > 60 ? "<td class=\"w\">" : "<td>")
            .append(htmlCell(row.get(c)))
            .append("</td>");
      }
      html.append("</tr>\n");
    }
    md.append('\n');
    html.append("</table></div>\n");
  }

  /** A cell's HTML: long text folds behind its first sentence, so rows stay short on a phone. */
  private static String htmlCell(String text) {
    if (text.length() <= LONG_CELL) {
      return bold(escape(text));
    }
    int end = text.indexOf(". ");
    if (end < 0 || end > LONG_CELL) {
      end = text.lastIndexOf(' ', LONG_CELL);
    }
    if (end <= 0) {
      return bold(escape(text));
    }
    return "<details><summary>"
        + bold(escape(text.substring(0, end + 1)))
        + "</summary>"
        + bold(escape(text.substring(end + 1).strip()))
        + "</details>";
  }

  /** A cell's {@code **words**} (Markdown's bold, which GitHub renders) in HTML's words. */
  private static String bold(String escaped) {
    return escaped.replaceAll("\\*\\*(.+?)\\*\\*", "<b>$1</b>");
  }

  private static boolean right(Table t, int column) {
    return column < t.rightAligned().length && t.rightAligned()[column];
  }

  /** A Markdown table cell: pipes escaped, line breaks flattened. */
  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static final String CSS =
      "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
          + "color:#222;line-height:1.45;overflow-wrap:break-word}"
          + ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:1em 0}"
          + "table{border-collapse:collapse;font-size:14px}"
          + "th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top}"
          + "td{max-width:36em}td:not(.n){min-width:5em}td.w{min-width:15em}"
          + "th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums;"
          + "white-space:nowrap}"
          + "img{max-width:100%;height:auto;display:block;margin:1em 0}"
          + "h2{border-bottom:1px solid #ddd}summary{cursor:pointer}"
          + "details{margin:.5em 0}td details summary{color:#333}"
          + ".warn{border:2px solid #c60;background:#fff4e5;padding:.6em .8em;font-weight:bold}"
          + "@media (max-width:600px){body{margin:1em auto;padding:0 .6em}table{font-size:13px}"
          + "h1{font-size:1.5em}}";
}
