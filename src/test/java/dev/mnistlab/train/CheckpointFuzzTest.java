package dev.mnistlab.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mnistlab.SyntheticData;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.io.DamagedFileException;
import dev.mnistlab.io.Sha256;
import dev.mnistlab.model.BlockFactory;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSpecParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes the checkpoint reader past its checksum: each input is made a checkpoint of the current
 * format with a correct SHA-256 (a hostile file can carry one as easily as an honest one), then
 * loaded into a small network. It must be loaded, or refused as damaged or as another network's,
 * never crash the engine or exhaust memory. See {@code dev.mnistlab.fuzz.ParserFuzzTest} for how
 * the fuzz tests run.
 */
// An input that takes longer is a hang: a finding, not a slow test.
@org.junit.jupiter.api.Timeout(10)
@Tag("integration")
class CheckpointFuzzTest {
  private static final ModelSpec SPEC = ModelSpecParser.parse(SyntheticData.TINY_MODEL, "t.yaml");
  private static final byte[] MAGIC = "MNISTLAB-CHECKPOINT-2\n".getBytes(StandardCharsets.US_ASCII);

  private static Model model;
  private static Trainer trainer;
  private static Path file;

  private static synchronized void setUp() throws IOException {
    if (model == null) {
      Engines.start(1);
      model = Model.newInstance("fuzzed", Device.cpu());
      model.setBlock(BlockFactory.build(SPEC));
      trainer =
          TrainingLoop.newTrainer(
              model, SPEC, TorchOptimizer.of(TrainConfig.defaults().optimizer()));
      file = Files.createTempFile("fuzzed-checkpoint", ".bin");
      file.toFile().deleteOnExit();
    }
  }

  @FuzzTest
  void checkpoint(byte[] body) throws IOException {
    setUp();
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    whole.write(MAGIC);
    whole.write(Sha256.of(body, 0, body.length));
    whole.write(body);
    Files.write(file, whole.toByteArray());
    TorchOptimizer optimizer = TorchOptimizer.of(TrainConfig.defaults().optimizer());
    try (NDManager scope = trainer.getManager().newSubManager();
        WeightAverage average = new WeightAverage(0, model.getBlock(), scope)) {
      Checkpoint.load(file, model.getBlock(), optimizer, average, scope);
    } catch (DamagedFileException | IllegalArgumentException expected) {
      // Refused naming the file: damaged, or a checkpoint of another network.
    }
  }
}
