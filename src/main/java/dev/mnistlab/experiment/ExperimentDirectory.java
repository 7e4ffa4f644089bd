package dev.mnistlab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.io.YamlInput;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.text.Reasons;
import dev.mnistlab.text.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * An experiment's output directory, and the only class that knows its layout:
 *
 * <pre>
 * OUT/experiment.yaml        the experiment as last run, each step's configuration in full
 * OUT/NN-step/seed-S/        a step's run directories, one per seed ({@link RunDirectory})
 * OUT/NN-step/replaced-K/    runs set aside when the step's recipe changed, the newest K highest
 * OUT/NN-step.removed-K/     the directory of a step since removed, kept under a free name
 * OUT/.moving-N              a step directory on its way to its new name, during a move only
 * </pre>
 *
 * {@code NN} is the step's position from 01 and {@code step} a file-system-safe form of its name,
 * so a step that moves or is renamed has a new directory ({@code ExperimentReconciler} takes its
 * runs along). The saved {@code experiment.yaml} is what a report reads, so it needs only this
 * directory.
 */
public final class ExperimentDirectory {
  private static final String EXPERIMENT_FILE = "experiment.yaml";
  private static final String REPLACED = "replaced";
  private static final String REMOVED = ".removed-";
  private static final String MOVING = ".moving-";

  /** The longest slug of a step's name in its directory name; a file name has at most 255 bytes. */
  private static final int MAX_SLUG = 60;

  private final Path dir;

  /** The experiment directory at {@code dir}, which need not exist yet. */
  public ExperimentDirectory(Path dir) {
    this.dir = dir;
  }

  /** The directory itself. */
  public Path path() {
    return dir;
  }

  /** The saved experiment, {@code experiment.yaml}. */
  public Path experimentFile() {
    return dir.resolve(EXPERIMENT_FILE);
  }

  /** Whether an experiment was run here: its saved experiment is there. */
  public boolean holdsExperiment() {
    return Files.isRegularFile(experimentFile());
  }

  /**
   * The saved experiment, as last run here, every step's configuration in full.
   *
   * @throws IllegalArgumentException naming the file when it is missing or not a valid experiment
   */
  public Experiment readExperiment() {
    return ExperimentParser.parseFile(experimentFile(), dir);
  }

  /**
   * Saves {@code experiment} as {@code experiment.yaml} (creating the directory), every step's
   * configuration written out in full, replacing the file in one rename so a reader sees the old
   * experiment or the new one.
   */
  public void saveExperiment(Experiment experiment) {
    Path file = experimentFile();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, EXPERIMENT_FILE, ".tmp");
      Files.writeString(tmp, toYaml(experiment));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The experiment with every step's configuration written out in full. */
  static String toYaml(Experiment experiment) {
    ObjectNode root = Mappers.YAML.createObjectNode();
    root.put("name", experiment.name());
    root.put("title", experiment.title());
    root.put("source", experiment.source());
    root.put("description", experiment.description());
    var steps = root.putArray("steps");
    for (Experiment.Step step : experiment.steps()) {
      ObjectNode node = steps.addObject();
      node.put("name", step.name());
      node.put("target", step.target());
      node.set("config", Mappers.YAML.valueToTree(step.config()));
      node.put("analysis", step.analysis());
      node.set("reported", Mappers.YAML.valueToTree(step.reported()));
    }
    try {
      return Mappers.YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The step names of the experiment saved here, read from its text only (its models need not
   * resolve any more); empty when there is none.
   *
   * @throws IllegalArgumentException when this directory holds an experiment other than {@code
   *     expected} (by name)
   */
  List<String> savedStepNames(Experiment expected) {
    Path file = experimentFile();
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    JsonNode saved;
    try {
      saved = Mappers.YAML.readTree(YamlInput.read(file));
    } catch (YamlInput.Problem e) {
      throw new UsageException(e.in(file));
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read (" + Reasons.of(e) + ")");
    }
    String name = saved == null || saved.get("name") == null ? "" : saved.get("name").asText();
    if (!name.equals(expected.name())) {
      throw new UsageException(
          dir
              + " holds another experiment ("
              + (name.isEmpty() ? "unnamed" : "'" + name + "'")
              + ", not '"
              + expected.name()
              + "'); choose another --out or delete it");
    }
    List<String> names = new ArrayList<>();
    saved.path("steps").forEach(s -> names.add(s.path("name").asText()));
    return names;
  }

  /**
   * The directory of a step, holding one {@code seed-S} run directory per seed.
   *
   * @param index the step's position, from 0
   */
  public Path stepDir(int index, Experiment.Step step) {
    return stepDir(index, step.name());
  }

  /** The directory of the step named {@code name} at {@code index} (from 0). */
  Path stepDir(int index, String name) {
    return dir.resolve(stepDirName(index, name));
  }

  /**
   * {@code 03-batchnorm} for the step "3 BatchNorm" at index 2: the step's position and a
   * file-system-safe form of its name.
   */
  static String stepDirName(int index, String name) {
    String slug =
        name.toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("^-|-$", "")
            // Names often start with their own number ("3 BatchNorm"); the prefix says it already.
            .replaceFirst("^\\d+-", "");
    // The name itself is kept whole in experiment.yaml.
    slug = slug.substring(0, Math.min(slug.length(), MAX_SLUG)).replaceAll("-$", "");
    return String.format(Locale.ROOT, "%02d-%s", index + 1, slug.isEmpty() ? "step" : slug);
  }

  /**
   * Where the directory of the step now at {@code index} (from 0) waits while step directories
   * move, so that no move lands on a directory still to move.
   */
  Path parkingPlace(int index) {
    return dir.resolve(MOVING + index);
  }

  /**
   * A free name for {@code stepDir}, a directory no step of the experiment uses any more, to keep
   * it under.
   */
  static Path removedPlace(Path stepDir) {
    return numberedSibling(stepDir, REMOVED);
  }

  /** A new, free {@code replaced-K} directory inside {@code stepDir}, for runs to set aside. */
  static Path newAside(Path stepDir) {
    return numberedSibling(stepDir.resolve(REPLACED), "-");
  }

  /** The {@code replaced-K} directories inside {@code stepDir}, newest (highest K) first. */
  static List<Path> asidesIn(Path stepDir) throws IOException {
    try (Stream<Path> children = Files.list(stepDir)) {
      return children
          .filter(d -> d.getFileName().toString().matches(REPLACED + "-\\d+"))
          .filter(Files::isDirectory)
          .sorted(
              Comparator.comparingLong(
                      (Path d) ->
                          Long.parseLong(
                              d.getFileName().toString().substring(REPLACED.length() + 1)))
                  .reversed())
          .toList();
    }
  }

  /** The seeds of the runs in {@code stepDir}, in seed order. */
  static List<Long> seedsIn(Path stepDir) {
    return RunDirectory.runsIn(stepDir).stream().map(r -> r.readConfig().seed()).toList();
  }

  /** {@code base} followed by {@code separator} and the first number that names nothing yet. */
  private static Path numberedSibling(Path base, String separator) {
    for (int k = 1; ; k++) {
      Path candidate = base.resolveSibling(base.getFileName() + separator + k);
      if (!Files.exists(candidate)) {
        return candidate;
      }
    }
  }

  /**
   * What this directory holds for each step of {@code experiment}, compared with the step's recipe;
   * reads only.
   */
  public List<StepStatus> status(Experiment experiment) {
    List<StepStatus> statuses = new ArrayList<>();
    for (int i = 0; i < experiment.steps().size(); i++) {
      Experiment.Step step = experiment.steps().get(i);
      Path stepDir = stepDir(i, step);
      Recipe recipe = step.recipe();
      List<Long> complete = new ArrayList<>();
      List<Long> incomplete = new ArrayList<>();
      List<Recipe.Difference> differences = List.of();
      boolean shortened = false;
      for (RunDirectory run : RunDirectory.runsIn(stepDir)) {
        Recipe saved = run.readRecipe();
        (run.isComplete() ? complete : incomplete).add(saved.config().seed());
        List<Recipe.Difference> d = saved.differences(recipe);
        if (differences.isEmpty() && !d.isEmpty()) {
          differences = d;
          shortened = saved.isShortenedFrom(recipe, d);
        }
      }
      statuses.add(
          new StepStatus(i + 1, step, stepDir, complete, incomplete, differences, shortened));
    }
    return statuses;
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
