package dev.mnistlab.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.train.RunDirectory;
import dev.mnistlab.train.RunResult;
import dev.mnistlab.train.TrainConfig;
import dev.mnistlab.train.Training;
import dev.mnistlab.train.TrainingObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Runs an experiment's steps in order, each seed into {@code OUT/NN-step-name/seed-S}. It can be
 * stopped at any time and run again: complete runs are skipped and an interrupted run resumes from
 * its last checkpoint.
 */
public final class ExperimentRunner {
  /** The resolved experiment, saved in the output directory so reports need only that. */
  public static final String EXPERIMENT_FILE = "experiment.yaml";

  private ExperimentRunner() {}

  /** How a step's run begins. */
  public enum Start {
    /** From scratch. */
    FRESH,
    /** From the checkpoint of an interrupted run. */
    RESUMED,
    /** Not at all: it is complete. */
    SKIPPED
  }

  /** Told about every run; returns the observer that watches its epochs. */
  public interface Listener {
    /** Ignores everything. */
    Listener SILENT = (index, step, seed, runDir, start) -> TrainingObserver.SILENT;

    /**
     * A step's run for {@code seed} begins.
     *
     * @param index the step's position, from 1
     */
    TrainingObserver starting(int index, Experiment.Step step, long seed, Path runDir, Start start);
  }

  /**
   * A step and its runs, one per seed.
   *
   * @param dir the step's directory, holding one {@code seed-S} run directory per seed
   */
  public record StepResult(Experiment.Step step, Path dir, List<RunResult> runs) {}

  /**
   * Runs every step for every seed.
   *
   * @param seeds seeds to run each step with; empty runs each step's configured seed
   * @param steps the steps to run, numbered from 1; empty runs them all
   * @param threads engine threads to record in each run's configuration; 0 keeps the step's own
   *     (the caller starts the engine with them: the engine's thread count is set once)
   * @param data loads a dataset (steps may name different ones)
   * @throws IllegalArgumentException when {@code out} holds a different experiment
   */
  public static List<StepResult> run(
      Experiment experiment,
      Path out,
      List<Long> seeds,
      List<Long> steps,
      int threads,
      Function<Dataset, DataStore.Loaded> data,
      Listener listener) {
    for (long n : steps) {
      if (n < 1 || n > experiment.steps().size()) {
        throw new IllegalArgumentException(
            "step "
                + n
                + " does not exist; "
                + experiment.name()
                + " has steps 1.."
                + experiment.steps().size());
      }
    }
    saveExperiment(experiment, out);
    List<StepResult> results = new ArrayList<>();
    for (int i = 0; i < experiment.steps().size(); i++) {
      if (!steps.isEmpty() && !steps.contains((long) i + 1)) {
        continue;
      }
      Experiment.Step step = experiment.steps().get(i);
      Path stepDir = out.resolve(stepDirName(i, step));
      List<RunResult> runs = new ArrayList<>();
      for (long seed : seeds.isEmpty() ? List.of(step.config().seed()) : seeds) {
        TrainConfig config =
            step.config().withRun(seed, threads > 0 ? threads : step.config().threads());
        Path runDir = RunDirectory.seedDir(stepDir, seed);
        DataStore.Loaded loaded = data.apply(Dataset.parse(config.dataset()));
        Start start = Start.FRESH;
        if (RunDirectory.exists(runDir)) {
          RunDirectory existing = RunDirectory.open(runDir);
          start =
              existing.isComplete()
                  ? Start.SKIPPED
                  : existing.hasCheckpoint() ? Start.RESUMED : Start.FRESH;
        }
        TrainingObserver observer = listener.starting(i + 1, step, seed, runDir, start);
        runs.add(
            Training.runOrContinue(
                config, ModelZoo.resolve(config.model()), loaded, runDir, observer));
      }
      results.add(new StepResult(step, stepDir, runs));
    }
    return results;
  }

  /**
   * {@code 03-batchnorm} for step 3 "3 BatchNorm": the step's position and a file-system-safe form
   * of its name.
   */
  public static String stepDirName(int index, Experiment.Step step) {
    String slug =
        step.name()
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("^-|-$", "")
            // Names often start with their own number ("3 BatchNorm"); the prefix says it already.
            .replaceFirst("^\\d+-", "");
    return String.format(Locale.ROOT, "%02d-%s", index + 1, slug.isEmpty() ? "step" : slug);
  }

  /** The experiment with every step's configuration written out in full. */
  public static String toYaml(Experiment experiment) {
    ObjectNode root = RunDirectory.YAML.createObjectNode();
    root.put("name", experiment.name());
    root.put("title", experiment.title());
    root.put("source", experiment.source());
    root.put("description", experiment.description());
    var steps = root.putArray("steps");
    for (Experiment.Step step : experiment.steps()) {
      ObjectNode node = steps.addObject();
      node.put("name", step.name());
      node.put("target", step.target());
      node.set("config", RunDirectory.YAML.valueToTree(step.config()));
      node.put("analysis", step.analysis());
      node.set("reported", RunDirectory.YAML.valueToTree(step.reported()));
    }
    try {
      return RunDirectory.YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void saveExperiment(Experiment experiment, Path out) {
    Path file = out.resolve(EXPERIMENT_FILE);
    String yaml = toYaml(experiment);
    try {
      if (Files.isRegularFile(file)) {
        if (!Files.readString(file).equals(yaml)) {
          throw new IllegalArgumentException(
              out
                  + " holds another experiment (its "
                  + EXPERIMENT_FILE
                  + " differs); choose another --out or delete it");
        }
        return;
      }
      Files.createDirectories(out);
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
