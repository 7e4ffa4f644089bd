package dev.mnistlab.text;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

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

  /** {@link #of}, or {@code fallback} when the exception says nothing. */
  public static String of(Throwable t, String fallback) {
    String reason = of(t);
    return reason.isEmpty() ? fallback : reason;
  }
}
