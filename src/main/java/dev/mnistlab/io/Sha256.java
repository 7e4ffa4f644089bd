package dev.mnistlab.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests, in the lower-case hex {@code sha256sum} prints. */
public final class Sha256 {
  /** Bytes in a digest. */
  public static final int BYTES = 32;

  private Sha256() {}

  /** The digest of {@code bytes[offset, offset + length)}. */
  public static byte[] of(byte[] bytes, int offset, int length) {
    MessageDigest digest = newDigest();
    digest.update(bytes, offset, length);
    return digest.digest();
  }

  /** The hex digest of a file's contents, read as a stream. */
  public static String hexOf(Path file) throws IOException {
    MessageDigest digest = newDigest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The hex digest of {@code content}. */
  public static String hexOf(byte[] content) {
    return HexFormat.of().formatHex(of(content, 0, content.length));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
