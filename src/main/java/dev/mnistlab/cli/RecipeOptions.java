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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
      split = ",",
      splitSynopsisLabel = ",",
      paramLabel = "N",
      description = "Passes over the training set (default: 15).")
  List<Integer> epochsValues;

  @Option(
      names = "--batch-size",
      split = ",",
      splitSynopsisLabel = ",",
      paramLabel = "N",
      description = "Images per step (default: 128).")
  List<Integer> batchSizeValues;

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
      split = ",",
      splitSynopsisLabel = ",",
      paramLabel = "LR",
      description = "OneCycle's peak learning rate (default: 0.2); other schedules have none.")
  List<Double> maxLrValues;

  @Option(
      names = "--lr",
      split = ",",
      splitSynopsisLabel = ",",
      paramLabel = "LR",
      description =
          "The optimizer's learning rate, where the schedule starts (default: the recipe's); OneCycle"
              + " takes --max-lr instead.")
  List<Double> lrValues;

  @Option(
      names = "--optimizer",
      split = ",",
      splitSynopsisLabel = ",",
      paramLabel = "NAME",
      description = "sgd, adam or adamw, any case (default: the recipe's, sgd).")
  List<String> optimizerValues;

  @Option(
      names = "--momentum",
      split = ",",
      splitSynopsisLabel = ",",
      paramLabel = "M",
      description = "SGD's momentum; Adam's and AdamW's beta1 (default: the recipe's, 0.9).")
  List<Double> momentumValues;

  @Option(
      names = "--weight-decay",
      split = ",",
      splitSynopsisLabel = ",",
      paramLabel = "WD",
      description =
          "L2 penalty (SGD, Adam) or decoupled decay (AdamW) (default: the recipe's, 0.0001).")
  List<Double> weightDecayValues;

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
      split = ",",
      splitSynopsisLabel = ",",
      paramLabel = "DEG",
      description = "Random rotation ±DEG degrees (default: 7).")
  List<Double> rotationValues;

  @Option(
      names = "--ema",
      split = ",",
      splitSynopsisLabel = ",",
      paramLabel = "DECAY",
      description =
          "Evaluate and save a moving average of the weights, updated every step with this decay,"
              + " e.g. 0.99 (default: 0, none).")
  List<Double> emaValues;

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
  private TrainConfig withOptimizerAndSchedule(TrainConfig recipe, int point) {
    String optimizer = pick(optimizerValues, point);
    Double lr = pick(lrValues, point);
    Double momentum = pick(momentumValues, point);
    Double weightDecay = pick(weightDecayValues, point);
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

  /** The flags that take a comma list, a sweep: one run per value. */
  private List<SweptFlag> sweepable() {
    return List.of(
        new SweptFlag("--epochs", epochsValues),
        new SweptFlag("--batch-size", batchSizeValues),
        new SweptFlag("--optimizer", optimizerValues),
        new SweptFlag("--lr", lrValues),
        new SweptFlag("--max-lr", maxLrValues),
        new SweptFlag("--momentum", momentumValues),
        new SweptFlag("--weight-decay", weightDecayValues),
        new SweptFlag("--rotation", rotationValues),
        new SweptFlag("--ema", emaValues));
  }

  /** A flag and the values it was given (null when not given). */
  private record SweptFlag(String name, List<?> values) {}

  /**
   * A sweep from the command line: one flag given several values ({@code --max-lr 0.05,0.1,0.2}).
   *
   * @param flag the flag, e.g. {@code --max-lr}
   * @param values its values as given, in order
   */
  record Sweep(String flag, List<String> values) {
    /** The run directory name of value {@code i}: {@code max-lr-0.05}. */
    String dirName(int i) {
      return flag.substring(2) + "-" + values.get(i).replaceAll("[^A-Za-z0-9._-]", "_");
    }
  }

  /**
   * The sweep the flags ask for, if one flag was given several values.
   *
   * @throws CommandLine.ParameterException when several flags were, or a value repeats
   */
  Optional<Sweep> sweep(CommandLine commandLine) {
    List<SweptFlag> swept =
        sweepable().stream().filter(f -> f.values() != null && f.values().size() > 1).toList();
    if (swept.size() > 1) {
      throw new CommandLine.ParameterException(
          commandLine,
          "sweep one flag at a time: "
              + Plain.sentence(swept.stream().map(SweptFlag::name).toList())
              + " each list several values");
    }
    if (swept.isEmpty()) {
      return Optional.empty();
    }
    List<String> values =
        swept.get(0).values().stream()
            .map(v -> v instanceof Double d ? Plain.number(d) : v.toString())
            .toList();
    if (new java.util.HashSet<>(values).size() < values.size()) {
      throw new CommandLine.ParameterException(
          commandLine, swept.get(0).name() + " lists a value twice: " + String.join(",", values));
    }
    return Optional.of(new Sweep(swept.get(0).name(), values));
  }

  /** The recipe of each value of {@code sweep}, in order. */
  List<Recipe> resolveSweep(DataOptions data, CommandLine commandLine, Sweep sweep) {
    List<Recipe> recipes = new ArrayList<>();
    for (int i = 0; i < sweep.values().size(); i++) {
      recipes.add(resolveAt(data, commandLine, i));
    }
    return recipes;
  }

  /** The value of a flag at sweep point {@code point}: its only value, or its value there. */
  private static <T> T pick(List<T> values, int point) {
    return values == null ? null : values.get(values.size() == 1 ? 0 : point);
  }

  /**
   * The recipe the options ask for, resolved once: a shipped recipe, or the defaults, the model's
   * own recipe (a spec's {@code recipe:}) and the configuration file; then each flag the user gave;
   * then the network its model names. Errors are usage errors; an unknown model is refused with
   * suggestions.
   *
   * @throws CommandLine.ParameterException when a flag lists several values (a sweep, which {@link
   *     #resolveSweep} resolves)
   */
  Recipe resolve(DataOptions data, CommandLine commandLine) {
    Optional<Sweep> sweep = sweep(commandLine);
    if (sweep.isPresent()) {
      throw new CommandLine.ParameterException(
          commandLine,
          commandLine.getCommandName()
              + " takes one value of "
              + sweep.get().flag()
              + "; sweeps are train's");
    }
    return resolveAt(data, commandLine, 0);
  }

  private Recipe resolveAt(DataOptions data, CommandLine commandLine, int point) {
    Integer epochs = pick(epochsValues, point);
    Integer batchSize = pick(batchSizeValues, point);
    Double maxLr = pick(maxLrValues, point);
    Double rotation = pick(rotationValues, point);
    Double ema = pick(emaValues, point);
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
      d = withOptimizerAndSchedule(d, point);
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
