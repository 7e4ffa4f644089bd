package dev.mnistlab.cli;

import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.report.Charts;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.UsageException;
import dev.mnistlab.train.LrFinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mnistlab lr-find}: the learning-rate range test, drawn as a PNG. */
@Command(
    name = "lr-find",
    mixinStandardHelpOptions = true,
    description = {
      "Learning-rate range test: train a fresh model while the rate grows exponentially from",
      "--start to --end, and plot the smoothed loss against the rate. Pick OneCycle's max_lr",
      "a little below the bottom of the curve; the suggestion printed is a tenth of it.",
      "It takes train's recipe options but sets the rate itself, so --epochs, --max-lr,",
      "--stop-at, --patience and --ema are refused (the schedule, epochs, stop and ema_decay",
      "of --config are unused)."
    })
public class LrFindCommand implements Callable<Integer> {
  private final Environment environment;

  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin DataOptions data;
  @Mixin RecipeOptions recipe;
  @Mixin LoggingMixin logging;

  @Option(
      names = "--start",
      paramLabel = "LR",
      description = "First learning rate (default: 0.0001).")
  double start = 1e-4;

  @Option(names = "--end", paramLabel = "LR", description = "Last learning rate (default: 10).")
  double end = 10;

  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "Batches from --start to --end (default: ${DEFAULT-VALUE}).")
  int steps = 200;

  @Option(
      names = "--out",
      paramLabel = "PNG",
      description = "Output chart (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("lr-find.png");

  public LrFindCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws IOException {
    RecipeOptions.refuseUnused(
        spec.commandLine(),
        "the range test sets the learning rate itself, step by step from --start to --end, for"
            + " --steps batches, so a schedule, epochs, early stopping and a weight average do not"
            + " apply",
        "--epochs",
        "--lr",
        "--max-lr",
        "--schedule",
        "--step-size",
        "--gamma",
        "--t-max",
        "--stop-at",
        "--patience",
        "--test-limit",
        "--ema");
    Recipe resolved = recipe.resolve(data, spec.commandLine());
    TrainConfig config = resolved.config();
    if (!(start > 0 && end > start) || steps < 10) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          String.format(
              Locale.ROOT,
              "need 0 < --start < --end and --steps >= 10, got %s, %s and %d",
              Plain.number(start),
              Plain.number(end),
              steps));
    }
    Engines.start(config.threads());
    DataStore.Loaded loaded =
        environment.dataStore().load(Dataset.parse(config.dataset()), data.dataDir);
    LrFinder.Result result;
    try (StepProgress progress = new StepProgress(environment.out(), steps)) {
      result = LrFinder.run(resolved, loaded, start, end, steps, progress);
    }
    if (result.lrs().size() < 2) {
      throw new UsageException(
          "the loss exploded at once from lr " + Plain.number(start) + "; try a lower --start");
    }
    double[] lrs = result.lrs().stream().mapToDouble(Double::doubleValue).toArray();
    double[] losses = result.losses().stream().mapToDouble(Double::doubleValue).toArray();
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(out, Charts.lrFinder(lrs, losses, result.suggestedLr()));
    environment
        .out()
        .printf(
            Locale.ROOT,
            "%s: %d steps from lr %s; lowest smoothed loss %.4f at lr %.3g; suggested max_lr"
                + " %.3g; chart %s%n",
            resolved.spec().name(),
            lrs.length,
            Plain.number(start),
            result.losses().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
            result.minLossLr(),
            result.suggestedLr(),
            out);
    return Main.OK;
  }
}
