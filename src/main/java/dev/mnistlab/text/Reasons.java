package dev.mnistlab.text;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.List;

/**
 * A failure's reason in words, for messages a person reads. Java's file-system exceptions carry
 * their reason only in their class ({@code AccessDeniedException: /x} says just {@code /x}), and a
 * class name tells a user nothing, so it never appears in mnistlab's messages.
 */
public final class Reasons {
  private Reasons() {}

  /** {@code /x: permission denied}, or the exception's own message; empty when it has none. */
  public static String of(Throwable t) {
    String message = t.getMessage() == null ? "" : t.getMessage();
    String what =
        t instanceof AccessDeniedException
            ? "permission denied"
            : t instanceof NoSuchFileException
                ? "no such file or directory"
                : t instanceof FileAlreadyExistsException
                    ? "already exists"
                    : t instanceof NotDirectoryException
                        ? "not a directory"
                        : t instanceof DirectoryNotEmptyException
                            ? "directory not empty"
                            : t instanceof FileSystemException fs && fs.getReason() != null
                                ? fs.getReason()
                                : t instanceof java.net.ConnectException
                                    ? "cannot connect"
                                    : t instanceof java.net.http.HttpTimeoutException
                                        ? "timed out"
                                        : t instanceof java.net.UnknownHostException
                                            ? "unknown host " + message
                                            : null;
    if (what == null) {
      return message;
    }
    String file = t instanceof FileSystemException fs && fs.getFile() != null ? fs.getFile() : "";
    return file.isEmpty() ? what : file + ": " + what;
  }

  /**
   * {@link #of} on one line and at most 500 characters, for a file that records why something
   * failed; "an error without a message" when it says nothing.
   */
  public static String oneLine(Throwable t) {
    String line = of(t, "an error without a message").replaceAll("\\s*\\R\\s*", " ");
    return line.length() <= 500 ? line : line.substring(0, 497) + "...";
  }

  /** {@link #of}, or {@code fallback} when the exception says nothing. */
  public static String of(Throwable t, String fallback) {
    String reason = of(t);
    return reason.isEmpty() ? fallback : reason;
  }

  /**
   * A YAML parser's problem on one line: SnakeYAML's messages span lines, quoting the source with a
   * caret under the error ("while parsing a flow sequence / in 'reader', line 1 ... / expected ','
   * or ']'"); only its own sentences are kept, joined with "; ".
   */
  public static String yaml(String parserMessage) {
    if (parserMessage == null) {
      return "unreadable";
    }
    java.util.List<String> kept = new java.util.ArrayList<>();
    for (String line : parserMessage.split("\\R")) {
      // Quoted source lines and carets are indented; locations start " in 'reader'".
      if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
        kept.add(line.strip());
      }
    }
    return kept.isEmpty() ? parserMessage.replaceAll("\\s+", " ").strip() : String.join("; ", kept);
  }

  /**
   * The 1-based line a YAML parse error is at: where the parser found the problem (a tab on line
   * 4), not where the token it was scanning began (line 3); but where the text ended too early (an
   * unclosed {@code [1}), the line of what was left open. 0 if unknown.
   */
  public static int yamlLine(com.fasterxml.jackson.core.JsonProcessingException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked
          && marked.getProblemMark() != null) {
        boolean endedEarly =
            marked.getProblem() != null && marked.getProblem().contains("<stream end>");
        return (endedEarly && marked.getContextMark() != null
                    ? marked.getContextMark()
                    : marked.getProblemMark())
                .getLine()
            + 1;
      }
    }
    // Jackson says -1 where it has no line (a value checked after parsing, on a tree).
    return e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
  }

  /**
   * Where a value sits in a file's tree, as a person writes it: {@code optimizer.lr}, {@code
   * widths[2]}; empty for the root.
   */
  public static String fieldPath(com.fasterxml.jackson.databind.JsonMappingException e) {
    StringBuilder field = new StringBuilder();
    for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
      String name = r.getFieldName();
      field.append(
          name != null ? (field.length() > 0 ? "." : "") + name : "[" + r.getIndex() + "]");
    }
    return field.toString();
  }

  /**
   * A value of the wrong type, in words instead of Jackson's ("Cannot deserialize value of type
   * `java.lang.Boolean` from String"): {@code field 'widths[0]' must be a whole number, got "x"}.
   *
   * @param tree the tree that was being read, to quote the bad value from
   * @param expected what the field needs, e.g. {@link #expected(Class)}
   */
  public static String wrongType(
      com.fasterxml.jackson.databind.JsonMappingException e,
      com.fasterxml.jackson.databind.JsonNode tree,
      String expected) {
    StringBuilder pointer = new StringBuilder();
    for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
      String name = r.getFieldName();
      pointer.append('/').append(name != null ? name : Integer.toString(r.getIndex()));
    }
    com.fasterxml.jackson.databind.JsonNode value =
        pointer.length() == 0 ? null : tree.at(pointer.toString());
    return "field '"
        + fieldPath(e)
        + "' must be "
        + expected
        + (value == null || value.isMissingNode() ? "" : ", got " + value);
  }

  /**
   * What a configuration value's type needs, in words, for Jackson's "Cannot deserialize value of
   * type `int`": {@code a whole number}, {@code a number}, {@code true or false}, {@code a list}.
   */
  public static String expected(Class<?> type) {
    if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
      return "a whole number";
    }
    if (type == double.class || type == float.class || type == Double.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (type == String.class) {
      return "text";
    }
    if (type.isEnum()) {
      // The names a configuration file uses: the constants' JSON names, else their own.
      List<String> names = new ArrayList<>();
      for (Object constant : type.getEnumConstants()) {
        String name = ((Enum<?>) constant).name();
        try {
          var json =
              type.getField(name)
                  .getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
          names.add(json != null ? json.value() : name.toLowerCase(java.util.Locale.ROOT));
        } catch (NoSuchFieldException e) {
          names.add(name.toLowerCase(java.util.Locale.ROOT));
        }
      }
      return "one of " + String.join(", ", names);
    }
    return "a map of fields";
  }
}
