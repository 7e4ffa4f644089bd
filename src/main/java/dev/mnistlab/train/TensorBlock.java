package dev.mnistlab.train;

import ai.djl.ndarray.types.DataType;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Checks a block of tensors as DJL's {@code NDList.encode} writes it before DJL decodes it.
 *
 * <p>DJL's decoder trusts the counts it reads: a tensor claiming a rank of two billion makes it
 * allocate two billion longs, and a block beginning like a NumPy or safetensors file is handed to
 * those parsers. A checkpoint's SHA-256 catches damage, not a file crafted with a fresh digest (the
 * checkpoint fuzzer builds exactly those), so the block is walked first and every count is checked
 * against the bytes that remain: a tensor count, then per tensor the {@code NDAR} tag, the encoding
 * version (1 to 3), the name, the sparse format, the data type, the shape (rank at most {@link
 * #MAX_RANK}, no negative dimension, at most 2^31 - 1 elements), the byte order and the data, whose
 * length must be the shape's element count times the type's width.
 */
final class TensorBlock {
  /** Deeper than any tensor mnistlab writes (4: out, in, height, width). */
  static final int MAX_RANK = 8;

  private static final String TAG = "NDAR";

  private TensorBlock() {}

  /**
   * Returns normally when {@code block} is a well-formed list of dense numeric tensors.
   *
   * @throws IllegalArgumentException saying what is wrong and at which byte
   */
  static void check(byte[] block) {
    ByteBuffer in = ByteBuffer.wrap(block);
    try {
      int count = in.getInt();
      // The smallest tensor takes more than 16 bytes; a count beyond that cannot be honest.
      if (count < 0 || count > in.remaining() / 16) {
        throw malformed(in, "a tensor count of " + count);
      }
      for (int i = 0; i < count; i++) {
        checkTensor(in);
      }
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("the tensors end early, at byte " + block.length, e);
    }
    if (in.hasRemaining()) {
      throw malformed(in, in.remaining() + " bytes after the last tensor");
    }
  }

  private static void checkTensor(ByteBuffer in) {
    if (!TAG.equals(ascii(in))) {
      throw malformed(in, "a tensor without its " + TAG + " tag");
    }
    int version = in.getInt();
    if (version < 1 || version > 3) {
      throw malformed(in, "tensor encoding version " + version);
    }
    if (version > 1 && in.get() == 1) {
      ascii(in); // the name: any text
    }
    ascii(in); // the sparse format: ignored by the decoder
    String typeName = ascii(in);
    DataType type;
    try {
      type = DataType.valueOf(typeName);
    } catch (IllegalArgumentException e) {
      throw malformed(in, "data type '" + typeName + "'");
    }
    if (type == DataType.STRING || type.getNumOfBytes() <= 0) {
      throw malformed(in, "a tensor of " + typeName + ", which a checkpoint never holds");
    }
    int rank = in.getInt();
    if (rank < 0 || rank > MAX_RANK) {
      throw malformed(in, "a tensor of rank " + rank);
    }
    long elements = 1;
    for (int d = 0; d < rank; d++) {
      long size = in.getLong();
      if (size < 0 || size > Integer.MAX_VALUE) {
        throw malformed(in, "a dimension of " + size);
      }
      // Both factors are at most 2^31, so the product fits a long; bounding it keeps it so.
      elements *= size;
      if (elements > Integer.MAX_VALUE) {
        throw malformed(in, "a shape of more than " + Integer.MAX_VALUE + " elements");
      }
    }
    int layoutLength = in.getInt();
    if (layoutLength < 0 || layoutLength > MAX_RANK) {
      throw malformed(in, "a layout of " + layoutLength + " letters");
    }
    in.position(in.position() + 2 * layoutLength);
    if (version > 2) {
      in.get(); // byte order
    }
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw malformed(in, length + " bytes of data where " + in.remaining() + " remain");
    }
    long expected = elements * type.getNumOfBytes();
    if (length != expected) {
      throw malformed(in, length + " bytes of data for " + expected + " bytes of shape");
    }
    in.position(in.position() + length);
  }

  /**
   * A string as DJL writes one: two bytes of length, then its bytes (ASCII for what we check). The
   * length is computed as DJL's reader computes it, sign extension of the first byte included, so
   * that this walk and DJL's decoder never part ways.
   */
  private static String ascii(ByteBuffer in) {
    int high = in.get() & 0xFF00;
    int length = high + (in.get() & 0xFF);
    if (length > in.remaining()) {
      throw new BufferUnderflowException();
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static IllegalArgumentException malformed(ByteBuffer in, String what) {
    return new IllegalArgumentException(what + " near byte " + in.position());
  }
}
