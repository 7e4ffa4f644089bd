package dev.mnistlab.cli;

import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.config.TrainConfigs;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.jobs.JobExecutor;
import dev.mnistlab.jobs.JobsFailedException;
import dev.mnistlab.search.Search;
import dev.mnistlab.search.SearchDirectory;
import dev.mnistlab.search.SearchResult;
import dev.mnistlab.search.SearchSpace;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mnistlab search}: the smallest architecture of a space that holds a bar. */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "Search a space of compact CNNs for the smallest that holds the bar: draw candidates under",
      "the parameter budget, rank them on short runs, train the best fully with every seed, and",
      "write the ranking, the Pareto front and the winner's spec with its recipe.",
      "Resumable: run it again and finished runs are read, not trained again."
    })
public class SearchCommand implements Callable<Integer> {
  private final Environment environment;

  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin DataOptions data;
  @Mixin ExecutorOptions executors;
  @Mixin LoggingMixin logging;

  @Option(
      names = "--budget",
      paramLabel = "PARAMS",
      description = "The most trainable parameters a candidate may have (required).")
  Long budget;

  @Option(
      names = "--space",
      paramLabel = "FILE",
      description =
          "The search space (YAML, any subset of the shipped space's fields; default: the shipped"
              + " space, which --print-space shows).")
  Path spaceFile;

  @Option(names = "--print-space", description = "Print the shipped search space and exit.")
  boolean printSpace;

  @Option(
      names = "--candidates",
      paramLabel = "K",
      description = "How many distinct candidates to draw and rank (default: 24).")
  int candidates = 24;

  @Option(
      names = "--search-seed",
      paramLabel = "N",
      description = "Seeds the draw of candidates (default: 1).")
  long searchSeed = 1;

  @Option(
      names = "--epochs-short",
      paramLabel = "N",
      description = "Epochs of each ranking run, the recipe's schedule squeezed in (default: 3).")
  int shortEpochs = 3;

  @Option(
      names = "--top",
      paramLabel = "T",
      description = "How many of the best-ranked candidates are trained fully (default: 3).")
  int top = 3;

  @Option(
      names = "--seeds",
      paramLabel = "LIST",
      converter = NumberList.Converter.class,
      description = "Seeds of the full runs; the first seeds the ranking runs (default: 1..5).")
  NumberList seeds;

  @Option(
      names = "--target",
      paramLabel = "ACC",
      description =
          "The bar: test accuracy (%%) in each of the last 3 epochs for every seed (default:"
              + " 99.40).")
  double target = 99.40;

  @Option(
      names = "--every-seed",
      description =
          "Train every seed of every finalist. By default the full runs go seed by seed, and a"
              + " finalist that misses the bar on one seed trains no more: that seed settles its"
              + " verdict. Every seed gives the statistics of all seeds, and is faster where cores"
              + " outnumber finalists.")
  boolean everySeed;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "The full runs' recipe (any subset of a run's config.yaml; default: the default"
              + " recipe). Its model and seed are replaced.")
  Path configFile;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description = "Epochs of the full runs (default: the recipe's, 15).")
  Integer epochs;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Train on the first N images only (default: all); for trying a search out.")
  Integer limit;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "Engine threads per training (default: 1, so that results repeat on the same kind of"
              + " CPU; --jobs sets how many train at once).")
  int threads = 1;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "The search directory (default: runs/search-<budget>).")
  Path out;

  public SearchCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    if (printSpace) {
      environment.out().print(SearchSpace.shippedText());
      return Main.OK;
    }
    if (budget == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "give --budget PARAMS, the most trainable parameters a candidate may have");
    }
    JobExecutor executor = executors.create(spec.commandLine(), 2);
    Search.Plan plan = plan();
    Engines.start(1); // parameters are counted on built networks
    SearchDirectory dir =
        new SearchDirectory(out != null ? out : Path.of("runs", "search-" + budget));
    environment.out().printf("search in %s, %s%n", dir.path(), executor.describe());
    SearchResult result =
        Search.run(
            plan, dir, executor, new JobLines(environment.out()), environment.out()::println);
    environment.out().println();
    environment
        .out()
        .println(
            result.winner() != null
                ? "winner: "
                    + result.winner()
                    + "; train it with ./mnistlab train --model "
                    + dir.winner()
                : "no candidate trained fully held the bar");
    environment.out().println("results: " + dir.resultsMarkdown());
    // A search whose runs failed has not answered its question, whatever it wrote: exit 1.
    if (!result.failures().isEmpty()) {
      throw new JobsFailedException(result.failures());
    }
    return Main.OK;
  }

  /** The plan the flags describe; a bad value is a usage error. */
  private Search.Plan plan() {
    try {
      TrainConfig recipe =
          configFile != null ? TrainConfigs.load(configFile) : TrainConfig.defaults();
      Dataset dataset = data.datasetOr(recipe.dataset());
      var fields = dev.mnistlab.io.Mappers.YAML.createObjectNode();
      fields.put("dataset", dataset.id());
      fields.put("threads", threads);
      if (epochs != null) {
        fields.put("epochs", epochs);
      }
      if (limit != null) {
        fields.put("limit", limit);
      }
      recipe = TrainConfigs.override(recipe, fields, "the command line").validate();
      SearchSpace space = spaceFile != null ? SearchSpace.load(spaceFile) : SearchSpace.shipped();
      Path dataDir = data.fetchedDirectory(environment, dataset);
      List<Long> seedList = seeds != null ? seeds.values() : List.of(1L, 2L, 3L, 4L, 5L);
      return new Search.Plan(
          space,
          budget,
          candidates,
          searchSeed,
          shortEpochs,
          top,
          seedList,
          target,
          everySeed,
          recipe,
          dataDir);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
