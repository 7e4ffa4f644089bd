package dev.mnistlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.mnistlab.io.AtomicFiles;
import dev.mnistlab.io.DamagedFileException;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.io.Sha256;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.text.Reasons;
import dev.mnistlab.text.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of a run after its last complete epoch, in {@code checkpoint.bin}: the metrics so far,
 * every parameter (BatchNorm running statistics included), the optimizer's buffers and step counts,
 * and the averaged weights when the recipe keeps them ({@link WeightAverage}). The schedule needs
 * no state of its own: it is a function of the step, and ReduceLROnPlateau's is rebuilt by
 * replaying the saved epochs' test losses.
 *
 * <p>The file is written under a temporary name and renamed, so a crash mid-write leaves the
 * previous epoch's checkpoint intact. It starts with a magic line and the SHA-256 of everything
 * after the digest, checked before anything in it is used: a truncated or altered checkpoint is
 * refused ({@link DamagedFileException}), never resumed from. Checkpoints of the first format (no
 * digest) are still read, with every length checked against the file.
 *
 * <p>The file's name and place belong to {@link RunDirectory#checkpointFile()}.
 *
 * @param epochs metrics of every completed epoch, in order
 * @param optimizerSteps optimizer updates applied to each parameter, by stable parameter name
 * @param started when the run first started (ISO-8601), for its provenance; null in checkpoints
 *     written before it was recorded
 */
public record Checkpoint(
    List<EpochMetrics> epochs, Map<String, Long> optimizerSteps, String started) {

  /** The format written now: magic, SHA-256 of the rest, then the blocks. */
  private static final byte[] MAGIC = "MNISTLAB-CHECKPOINT-2\n".getBytes(StandardCharsets.US_ASCII);

  /** The first format (mnistlab 0.1 before checksums): magic, then the blocks. */
  private static final byte[] MAGIC_UNCHECKED =
      "MNISTLAB-CHECKPOINT-1\n".getBytes(StandardCharsets.US_ASCII);

  /**
   * The largest checkpoint read. The zoo's largest network (6.4 M parameters) checkpoints in about
   * 80 MB with its momentum and averaged weights; a file claiming more is not a checkpoint.
   */
  static final long MAX_BYTES = 1L << 30;

  private static final String PARAMETER = "parameter:";

  /** The last completed epoch. */
  public int epoch() {
    return epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).epoch();
  }

  /** Writes the state after {@code epochs.size()} epochs, replacing the previous checkpoint. */
  public static void save(
      Path file,
      List<EpochMetrics> epochs,
      String started,
      Block block,
      TorchOptimizer optimizer,
      WeightAverage average) {
    Map<String, String> names = new HashMap<>();
    NDList arrays = new NDList();
    block
        .getParameters()
        .forEach(
            pair -> {
              names.put(pair.getValue().getId(), pair.getKey());
              NDArray copy = pair.getValue().getArray().duplicate();
              copy.setName(PARAMETER + pair.getKey());
              arrays.add(copy);
            });
    TorchOptimizer.State state = optimizer.state(names);
    arrays.addAll(state.buffers());
    arrays.addAll(average.state());
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(body)) {
        writeBlock(
            out, Mappers.JSON.writeValueAsBytes(new Checkpoint(epochs, state.steps(), started)));
        writeBlock(out, arrays.encode());
      }
      byte[] bodyBytes = body.toByteArray();
      ByteArrayOutputStream whole = new ByteArrayOutputStream(bodyBytes.length + 64);
      whole.write(MAGIC);
      whole.write(Sha256.of(bodyBytes, 0, bodyBytes.length));
      whole.write(bodyBytes);
      AtomicFiles.write(file, whole.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the checkpoint " + file, e);
    } finally {
      arrays.close();
    }
  }

  /**
   * Reads the checkpoint {@code file} into an initialized network and a fresh optimizer.
   *
   * @param manager owns the restored optimizer buffers for the rest of the run
   * @return the saved metrics, from which the loop continues
   * @throws DamagedFileException naming the file when it is truncated, altered or unreadable
   * @throws IllegalArgumentException naming the file when it is a checkpoint of another network
   */
  public static Checkpoint load(
      Path file, Block block, TorchOptimizer optimizer, WeightAverage average, NDManager manager) {
    byte[] bytes = readBounded(file);
    ByteBuffer body = verifiedBody(file, bytes);
    Checkpoint checkpoint;
    try {
      checkpoint =
          Mappers.JSON.readValue(nextBlock(file, body), new TypeReference<Checkpoint>() {});
    } catch (IOException e) {
      throw new DamagedFileException(
          file, "its metrics cannot be read (" + Reasons.of(e, "malformed") + ")", e);
    }
    checkRecord(file, checkpoint);
    byte[] tensors = nextBlock(file, body);
    try {
      TensorBlock.check(tensors);
    } catch (IllegalArgumentException e) {
      throw new DamagedFileException(file, "its tensors are malformed (" + e.getMessage() + ")", e);
    }
    NDList arrays;
    try {
      arrays = NDList.decode(manager, tensors);
    } catch (RuntimeException e) {
      throw new DamagedFileException(
          file, "its tensors cannot be read (" + Reasons.of(e, "malformed") + ")", e);
    }
    if (body.hasRemaining()) {
      arrays.close();
      throw new DamagedFileException(
          file, body.remaining() + " unexpected bytes follow the checkpoint's tensors");
    }
    Map<String, NDArray> byName = new HashMap<>();
    NDList buffers = new NDList();
    NDList averaged = new NDList();
    for (NDArray array : arrays) {
      if (array.getName().startsWith(PARAMETER)) {
        byName.put(array.getName().substring(PARAMETER.length()), array);
      } else if (WeightAverage.isState(array)) {
        averaged.add(array);
      } else {
        buffers.add(array);
      }
    }
    Map<String, Parameter> parameters = new LinkedHashMap<>();
    for (var pair : block.getParameters()) {
      Parameter parameter = pair.getValue();
      NDArray saved = byName.remove(pair.getKey());
      if (saved == null || !saved.getShape().equals(parameter.getArray().getShape())) {
        throw new UsageException(
            file
                + ": parameter "
                + pair.getKey()
                + (saved == null ? " is missing" : " has shape " + saved.getShape())
                + "; the checkpoint belongs to another model");
      }
      WeightAverage.overwrite(parameter.getArray(), saved);
      saved.close();
      parameters.put(pair.getKey(), parameter);
    }
    if (!byName.isEmpty()) {
      throw new UsageException(file + ": parameters " + byName.keySet() + " are not in the model");
    }
    try {
      optimizer.restore(new TorchOptimizer.State(checkpoint.optimizerSteps(), buffers), parameters);
      average.restore(averaged);
    } catch (IllegalArgumentException e) {
      throw new UsageException(file + ": " + e.getMessage(), e);
    }
    return checkpoint;
  }

  /** Refuses metrics a training run cannot have written: missing, or epochs not 1, 2, ... n. */
  private static void checkRecord(Path file, Checkpoint checkpoint) {
    if (checkpoint == null || checkpoint.epochs() == null || checkpoint.optimizerSteps() == null) {
      throw new DamagedFileException(file, "its metrics lack the epochs or the optimizer steps");
    }
    for (int i = 0; i < checkpoint.epochs().size(); i++) {
      EpochMetrics metrics = checkpoint.epochs().get(i);
      if (metrics == null || metrics.epoch() != i + 1) {
        throw new DamagedFileException(
            file,
            "its metrics list epoch "
                + (metrics == null ? "null" : String.valueOf(metrics.epoch()))
                + " where epoch "
                + (i + 1)
                + " belongs");
      }
    }
  }

  private static void writeBlock(DataOutputStream out, byte[] block) throws IOException {
    out.writeInt(block.length);
    out.write(block);
  }

  /** The whole file, when its size is one a checkpoint can have. */
  private static byte[] readBounded(Path file) {
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new DamagedFileException(
            file,
            "not a checkpoint: "
                + size
                + " bytes, more than the "
                + (MAX_BYTES >> 20)
                + " MiB a checkpoint may have");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DamagedFileException(
          file, "cannot be read (" + Reasons.of(e, "unreadable") + ")", e);
    }
  }

  /** The blocks after the magic line, once the digest matches them (the first format has none). */
  private static ByteBuffer verifiedBody(Path file, byte[] bytes) {
    if (startsWith(bytes, MAGIC_UNCHECKED)) {
      return ByteBuffer.wrap(bytes, MAGIC_UNCHECKED.length, bytes.length - MAGIC_UNCHECKED.length);
    }
    if (!startsWith(bytes, MAGIC)) {
      throw new DamagedFileException(file, "not an mnistlab checkpoint (its first line is wrong)");
    }
    int bodyStart = MAGIC.length + Sha256.BYTES;
    if (bytes.length < bodyStart) {
      throw new DamagedFileException(file, "truncated: it ends inside its SHA-256");
    }
    byte[] recorded = Arrays.copyOfRange(bytes, MAGIC.length, bodyStart);
    byte[] actual = Sha256.of(bytes, bodyStart, bytes.length - bodyStart);
    if (!Arrays.equals(recorded, actual)) {
      throw new DamagedFileException(
          file,
          "damaged: its contents do not match the SHA-256 it was written with (truncated or"
              + " altered since); it cannot be resumed from. Restore it from a copy, or delete"
              + " the run directory to train again");
    }
    return ByteBuffer.wrap(bytes, bodyStart, bytes.length - bodyStart);
  }

  /** The next length-prefixed block, its length checked against what the file holds. */
  private static byte[] nextBlock(Path file, ByteBuffer in) {
    if (in.remaining() < Integer.BYTES) {
      throw new DamagedFileException(file, "truncated: it ends before a block's length");
    }
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new DamagedFileException(
          file,
          "truncated or damaged: a block claims "
              + length
              + " bytes where "
              + in.remaining()
              + " remain");
    }
    byte[] block = new byte[length];
    in.get(block);
    return block;
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }
}
