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

  /**
   * A table; {@code rightAligned[i]} aligns column i right (numbers).
   *
   * @param rows cells as plain text
   */
  public record Table(List<String> headers, boolean[] rightAligned, List<List<String>> rows)
      implements Block {}

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
        .append("</title>\n<style>")
        .append(CSS)
        .append("</style></head>\n<body>\n");
    for (Block block : blocks) {
      if (block instanceof Heading h) {
        md.append("#".repeat(h.level())).append(' ').append(h.text()).append("\n\n");
        html.append(String.format("<h%d>%s</h%d>%n", h.level(), escape(h.text()), h.level()));
      } else if (block instanceof Paragraph p) {
        md.append(p.text()).append("\n\n");
        html.append("<p>").append(escape(p.text())).append("</p>\n");
      } else if (block instanceof Bullets b) {
        html.append("<ul>\n");
        for (String item : b.items()) {
          md.append("- ").append(item).append('\n');
          html.append("<li>").append(escape(item)).append("</li>\n");
        }
        md.append('\n');
        html.append("</ul>\n");
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
    html.append("</body></html>\n");
    Path mdFile = dir.resolve(name + ".md");
    Path htmlFile = dir.resolve(name + ".html");
    Files.writeString(mdFile, md.toString());
    Files.writeString(htmlFile, html.toString());
    return List.of(mdFile, htmlFile);
  }

  private static void table(Table t, StringBuilder md, StringBuilder html) {
    md.append("| ").append(String.join(" | ", t.headers().stream().map(Document::cell).toList()));
    md.append(" |\n|");
    html.append("<table>\n<tr>");
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
        html.append(right(t, c) ? "<td class=\"n\">" : "<td>")
            .append(escape(row.get(c)))
            .append("</td>");
      }
      html.append("</tr>\n");
    }
    md.append('\n');
    html.append("</table>\n");
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
          + "color:#222}table{border-collapse:collapse;margin:1em 0;font-size:14px}"
          + "th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top}"
          + "th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}"
          + "img{max-width:100%;display:block;margin:1em 0}h2{border-bottom:1px solid #ddd}";
}
