package dev.mnistlab.cli;

import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.config.TrainConfigs;
import dev.mnistlab.data.AugmentationGrid;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.text.UsageException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mnistlab augment}: a PNG grid of original and augmented digits. */
@Command(
    name = "augment",
    mixinStandardHelpOptions = true,
    description = {
      "Draw what a recipe's augmentation does: one row per training digit, the original",
      "first, then random variants. Uses the augment section of --config (default: the",
      "default recipe's)."
    })
public class AugmentCommand implements Callable<Integer> {
  private final Environment environment;

  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin DataOptions data;
  @Mixin LoggingMixin logging;

  @Option(names = "--config", paramLabel = "FILE", description = "Training configuration (YAML).")
  Path configFile;

  @Option(
      names = "--out",
      paramLabel = "PNG",
      description = "Output image (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("augment-grid.png");

  @Option(names = "--digits", paramLabel = "N", description = "Rows (default: ${DEFAULT-VALUE}).")
  int digits = 8;

  @Option(
      names = "--variants",
      paramLabel = "N",
      description = "Augmented copies per row (default: ${DEFAULT-VALUE}).")
  int variants = 9;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  public AugmentCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws IOException {
    TrainConfig config;
    try {
      config = configFile != null ? TrainConfigs.load(configFile) : TrainConfig.defaults();
      config.augment().validate();
      if (digits < 1 || digits > 64 || variants < 1 || variants > 32) {
        throw new UsageException(
            "--digits must be in 1..64 and --variants in 1..32, got "
                + digits
                + " and "
                + variants);
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    // Checked before the data loads: a directory gets the default file name inside it (it was
    // replaced by the PNG, or a stack trace when not empty), and a file in the way is said.
    Path png = java.nio.file.Files.isDirectory(out) ? out.resolve("augment-grid.png") : out;
    Path parent = png.toAbsolutePath().getParent();
    Path file = parent == null ? null : dev.mnistlab.io.AtomicFiles.fileInTheWay(parent);
    if (file != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--out " + out + ": " + file + " is a file, not a directory");
    }
    if (java.nio.file.Files.isDirectory(png)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--out " + out + ": " + png + " is a directory");
    }
    DataStore.Loaded loaded =
        environment.dataStore().load(data.datasetOr(config.dataset()), data.dataDir);
    BufferedImage grid =
        AugmentationGrid.render(loaded.train(), config.augment(), digits, variants, 3, seed);
    if (parent != null) {
      java.nio.file.Files.createDirectories(parent);
    }
    if (!ImageIO.write(grid, "png", png.toFile())) {
      throw new IOException("no PNG writer available");
    }
    environment
        .out()
        .println("wrote " + png + " (" + grid.getWidth() + "×" + grid.getHeight() + ")");
    return Main.OK;
  }
}
