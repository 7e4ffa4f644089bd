package dev.mnistlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.mnistlab.io.AtomicFiles;
import dev.mnistlab.text.Reasons;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * previous epoch's checkpoint intact.
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

  private static final byte[] MAGIC = "MNISTLAB-CHECKPOINT-1\n".getBytes(StandardCharsets.US_ASCII);
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
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.write(MAGIC);
        writeBlock(
            out,
            RunDirectory.JSON.writeValueAsBytes(new Checkpoint(epochs, state.steps(), started)));
        writeBlock(out, arrays.encode());
      }
      AtomicFiles.write(file, bytes.toByteArray());
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
   * @throws IllegalArgumentException naming the file when it is not a checkpoint of this network
   */
  public static Checkpoint load(
      Path file, Block block, TorchOptimizer optimizer, WeightAverage average, NDManager manager) {
    Checkpoint checkpoint;
    NDList arrays;
    try (InputStream in = Files.newInputStream(file);
        DataInputStream data = new DataInputStream(in)) {
      byte[] magic = data.readNBytes(MAGIC.length);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new IllegalArgumentException(file + ": not an mnistlab checkpoint");
      }
      checkpoint = RunDirectory.JSON.readValue(readBlock(data), new TypeReference<Checkpoint>() {});
      arrays = NDList.decode(manager, readBlock(data));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          file + ": cannot read checkpoint (" + Reasons.of(e, "unreadable") + ")", e);
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
    Map<String, String> ids = new LinkedHashMap<>();
    for (var pair : block.getParameters()) {
      Parameter parameter = pair.getValue();
      NDArray saved = byName.remove(pair.getKey());
      if (saved == null || !saved.getShape().equals(parameter.getArray().getShape())) {
        throw new IllegalArgumentException(
            file
                + ": parameter "
                + pair.getKey()
                + (saved == null ? " is missing" : " has shape " + saved.getShape())
                + "; the checkpoint belongs to another model");
      }
      WeightAverage.overwrite(parameter.getArray(), saved);
      saved.close();
      ids.put(pair.getKey(), parameter.getId());
    }
    if (!byName.isEmpty()) {
      throw new IllegalArgumentException(
          file + ": parameters " + byName.keySet() + " are not in the model");
    }
    optimizer.restore(new TorchOptimizer.State(checkpoint.optimizerSteps(), buffers), ids);
    try {
      average.restore(averaged);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    return checkpoint;
  }

  private static void writeBlock(OutputStream out, byte[] block) throws IOException {
    new DataOutputStream(out).writeInt(block.length);
    out.write(block);
  }

  private static byte[] readBlock(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      throw new IOException("negative block length " + length);
    }
    return in.readNBytes(length);
  }
}
