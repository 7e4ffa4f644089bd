package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mnistlab.engine.Engines;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TensorBlockTest {
  private static byte[] honest;

  @BeforeAll
  static void encode() {
    Engines.start(1);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray weight = manager.arange(24f).reshape(new Shape(2, 3, 2, 2));
      weight.setName("parameter:conv_weight");
      NDArray steps = manager.create(new long[] {7, 8});
      honest = new NDList(weight, steps).encode();
    }
  }

  @Test
  void whatDjlWritesPasses() {
    assertThatCode(() -> TensorBlock.check(honest)).doesNotThrowAnyException();
    assertThatCode(() -> TensorBlock.check(new NDList().encode())).doesNotThrowAnyException();
  }

  @Test
  void aRankOfTwoBillionIsRefusedBeforeAnythingIsAllocated() {
    byte[] hostile = honest.clone();
    ByteBuffer.wrap(hostile).putInt(rankOffset(), Integer.MAX_VALUE);
    assertThatThrownBy(() -> TensorBlock.check(hostile))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rank " + Integer.MAX_VALUE);
  }

  @Test
  void aShapeThatDoesNotMatchItsDataIsRefused() {
    byte[] hostile = honest.clone();
    // The first dimension, 2, becomes 2000: the data no longer covers the shape.
    ByteBuffer.wrap(hostile).putLong(rankOffset() + 4, 2000);
    assertThatThrownBy(() -> TensorBlock.check(hostile)).hasMessageContaining("bytes of data for");
  }

  @Test
  void aShapeWhoseElementCountOverflowsIsRefused() {
    // Found by CheckpointFuzzTest in CI: dimensions each below 2^31 whose product overflows a long.
    byte[] hostile = honest.clone();
    ByteBuffer buffer = ByteBuffer.wrap(hostile);
    for (int d = 0; d < 4; d++) {
      buffer.putLong(rankOffset() + 4 + 8 * d, Integer.MAX_VALUE);
    }
    assertThatThrownBy(() -> TensorBlock.check(hostile))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a shape of more than " + Integer.MAX_VALUE + " elements");
  }

  @Test
  void truncatedOrPaddedBlocksAreRefused() {
    assertThatThrownBy(() -> TensorBlock.check(Arrays.copyOf(honest, honest.length - 3)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TensorBlock.check(Arrays.copyOf(honest, honest.length + 3)))
        .hasMessageContaining("3 bytes after the last tensor");
    assertThatThrownBy(() -> TensorBlock.check(new byte[] {0x7f, 0, 0, 0}))
        .hasMessageContaining("tensor count");
  }

  /** Where the first tensor's rank sits: right after its data type's name. */
  private static int rankOffset() {
    byte[] type = "FLOAT32".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int i = 0; i + type.length <= honest.length; i++) {
      if (Arrays.equals(honest, i, i + type.length, type, 0, type.length)) {
        return i + type.length;
      }
    }
    throw new AssertionError("no FLOAT32 tensor in the block");
  }
}
