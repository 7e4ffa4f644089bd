package dev.mnistlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.config.TrainConfigs;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.UsageException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The flags that shape a training recipe, laid over defaults or a configuration file; shared by
 * {@code train} and {@code lr-find}.
 */
public class RecipeOptions {
  @Option(
      names = "--model",
      paramLabel = "NAME|FILE",
      description = "Zoo name or spec file (default: " + ModelZoo.DEFAULT_MODEL + ").")
  String model;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Training configuration (YAML, any subset of a run's config.yaml); flags override it.")
  Path configFile;

  @Option(
      names = "--recipe",
      paramLabel = "NAME",
      description =
          "A shipped recipe, instead of the model's own (default: the model's recipe if its spec"
              + " has one, else the 15-epoch default); flags override it.")
  String recipe;

  @Option(
      names = "--stop-at",
      paramLabel = "ACC",
      description =
          "End the run once test accuracy reached ACC percent in --patience epochs in a row.")
  Double stopAt;

  @Option(
      names = "--patience",
      paramLabel = "N",
      description = "Consecutive epochs at --stop-at that end a run (default: 1).")
  Integer patience;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description = "Passes over the training set (default: 15).")
  Integer epochs;

  @Option(names = "--batch-size", paramLabel = "N", description = "Images per step (default: 128).")
  Integer batchSize;

  @Option(names = "--seed", paramLabel = "N", description = "Random seed (default: 1).")
  Long seed;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Train on the first N images only (default: all).")
  Integer limit;

  @Option(
      names = "--test-limit",
      paramLabel = "N",
      description =
          "Score only the first N test images after each epoch but the last, for quick tries;"
              + " reports mark the run (default: 0, all).")
  Integer testLimit;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Engine threads (default: engine's choice).")
  Integer threads;

  @Option(
      names = "--max-lr",
      paramLabel = "LR",
      description = "OneCycle's peak learning rate (default: 0.2); other schedules have none.")
  Double maxLr;

  @Option(
      names = "--lr",
      paramLabel = "LR",
      description =
          "The optimizer's learning rate, where the schedule starts (default: the recipe's); OneCycle"
              + " takes --max-lr instead.")
  Double lr;

  @Option(
      names = "--optimizer",
      paramLabel = "NAME",
      description = "sgd, adam or adamw, any case (default: the recipe's, sgd).")
  String optimizer;

  @Option(
      names = "--momentum",
      paramLabel = "M",
      description = "SGD's momentum; Adam's and AdamW's beta1 (default: the recipe's, 0.9).")
  Double momentum;

  @Option(
      names = "--weight-decay",
      paramLabel = "WD",
      description =
          "L2 penalty (SGD, Adam) or decoupled decay (AdamW) (default: the recipe's, 0.0001).")
  Double weightDecay;

  @Option(
      names = "--schedule",
      paramLabel = "NAME",
      description =
          "onecycle, step, multistep, cosine, linear, plateau or constant, any case (default: the"
              + " recipe's, onecycle).")
  String schedule;

  @Option(
      names = "--step-size",
      paramLabel = "N",
      description = "StepLR: epochs between decays (default: 5).")
  Integer stepSize;

  @Option(
      names = "--gamma",
      paramLabel = "G",
      description = "StepLR and MultiStepLR: the decay factor (default: 0.1).")
  Double gamma;

  @Option(
      names = "--t-max",
      paramLabel = "N",
      description = "Cosine: epochs of the half cosine (default: 0, the run's epochs).")
  Integer tMax;

  @Option(
      names = "--rotation",
      paramLabel = "DEG",
      description = "Random rotation ±DEG degrees (default: 7).")
  Double rotation;

  @Option(
      names = "--ema",
      paramLabel = "DECAY",
      description =
          "Evaluate and save a moving average of the weights, updated every step with this decay,"
              + " e.g. 0.99 (default: 0, none).")
  Double ema;

  /**
   * Refuses the recipe flags a command does not use, rather than ignoring them silently.
   *
   * @param why what the command does instead, ending the message
   * @param names the long names of the flags it does not use
   */
  static void refuseUnused(CommandLine commandLine, String why, String... names) {
    List<String> given =
        Arrays.stream(names).filter(n -> commandLine.getParseResult().hasMatchedOption(n)).toList();
    if (!given.isEmpty()) {
      throw new CommandLine.ParameterException(
          commandLine,
          commandLine.getCommandName() + " does not use " + Plain.sentence(given) + ": " + why);
    }
  }

  /**
   * {@code recipe} with the optimizer and schedule flags laid over it, as a {@code --config} file
   * would be, so their values are checked as the file's are; a schedule parameter the schedule does
   * not read, or {@code --lr} under OneCycle, is refused with the reason.
   */
  private TrainConfig withOptimizerAndSchedule(TrainConfig recipe) {
    ObjectNode flags = Mappers.YAML.createObjectNode();
    ObjectNode o = Mappers.YAML.createObjectNode();
    if (optimizer != null) {
      o.put("type", optimizer.strip().toLowerCase(Locale.ROOT));
    }
    putIfGiven(o, "lr", lr);
    putIfGiven(o, "momentum", momentum);
    putIfGiven(o, "weight_decay", weightDecay);
    ObjectNode sch = Mappers.YAML.createObjectNode();
    if (schedule != null) {
      sch.put("type", schedule.strip().toLowerCase(Locale.ROOT));
    }
    putIfGiven(sch, "step_size", stepSize);
    putIfGiven(sch, "gamma", gamma);
    putIfGiven(sch, "t_max", tMax);
    if (!o.isEmpty()) {
      flags.set("optimizer", o);
    }
    if (!sch.isEmpty()) {
      flags.set("schedule", sch);
    }
    TrainConfig out =
        flags.isEmpty() ? recipe : TrainConfigs.override(recipe, flags, "the command line");
    String type = out.schedule().type();
    if (lr != null && type.equals("onecycle")) {
      throw new UsageException(
          "--lr sets where the other schedules start, but OneCycle runs from --max-lr / div_factor"
              + " up to --max-lr; give --max-lr, or another --schedule");
    }
    java.util.Set<String> read = out.schedule().fieldsRead();
    for (var flag :
        java.util.Map.of("--step-size", "step_size", "--gamma", "gamma", "--t-max", "t_max")
            .entrySet()) {
      if (sch.has(flag.getValue()) && !read.contains(flag.getValue())) {
        throw new UsageException(
            flag.getKey()
                + " is not read by the '"
                + type
                + "' schedule"
                + (read.size() <= 1
                    ? ""
                    : ", which reads "
                        + Plain.sentence(
                            read.stream().filter(f -> !f.equals("type")).sorted().toList())));
      }
    }
    return out;
  }

  private static void putIfGiven(ObjectNode node, String field, Number value) {
    if (value instanceof Integer i) {
      node.put(field, i);
    } else if (value != null) {
      node.put(field, value.doubleValue());
    }
  }

  /**
   * The recipe the options ask for, resolved once: a shipped recipe, or the defaults, the model's
   * own recipe (a spec's {@code recipe:}) and the configuration file; then each flag the user gave;
   * then the network its model names. Errors are usage errors; an unknown model is refused with
   * suggestions.
   */
  Recipe resolve(DataOptions data, CommandLine commandLine) {
    try {
      if (recipe != null && configFile != null) {
        throw new UsageException("give --recipe or --config, not both");
      }
      TrainConfig d;
      ModelSpec spec = null;
      if (recipe != null) {
        d = TrainConfigs.shipped(recipe);
      } else {
        // The file is read once: its model picks the starting point it is laid over.
        JsonNode file = configFile == null ? null : TrainConfigs.read(configFile);
        String name =
            model != null
                ? model
                : file != null
                    ? TrainConfigs.layOver(TrainConfig.defaults(), file, configFile).model()
                    : ModelZoo.DEFAULT_MODEL;
        spec = ModelZoo.resolve(name);
        d = TrainConfigs.startingPoint(name, spec);
        d = TrainConfigs.layOver(d, file, configFile);
      }
      d = withOptimizerAndSchedule(d);
      TrainConfig.Schedule s = d.schedule();
      if (maxLr != null && !s.type().equals("onecycle")) {
        throw new UsageException(
            "--max-lr sets OneCycle's peak learning rate, but the schedule is '"
                + s.type()
                + "', which has no peak; set its starting rate with --lr");
      }
      // Each flag given replaces its field; the rest stay the recipe's.
      TrainConfig.Builder config = d.toBuilder().dataset(data.datasetOr(d.dataset()).id());
      if (model != null) {
        config.model(model);
      }
      if (epochs != null) {
        config.epochs(epochs);
      }
      if (batchSize != null) {
        config.batchSize(batchSize);
      }
      if (seed != null) {
        config.seed(seed);
      }
      if (limit != null) {
        config.limit(limit);
      }
      if (threads != null) {
        config.threads(threads);
      }
      if (testLimit != null) {
        config.testLimit(testLimit);
      }
      if (maxLr != null) {
        config.schedule(s.withOneCycle(maxLr, s.pctStart(), s.divFactor(), s.finalDivFactor()));
      }
      if (rotation != null) {
        config.augment(d.augment().withRotation(rotation));
      }
      if (ema != null) {
        config.emaDecay(ema);
      }
      config.stop(
          new TrainConfig.Stop(
              stopAt != null ? stopAt : d.stop().at(),
              patience != null ? patience : d.stop().patience()));
      TrainConfig resolved = config.build();
      // A shipped recipe names its own model, unless --model replaced it.
      return Recipe.of(resolved, spec != null ? spec : ModelZoo.resolve(resolved.model()));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, e.getMessage(), e);
    }
  }
}
