package dev.mnistlab.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mnistlab.config.ConfigDiff;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.config.TrainConfigs;
import dev.mnistlab.io.DirectoryLock;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.jobs.Job;
import dev.mnistlab.jobs.JobExecutor;
import dev.mnistlab.jobs.JobOutcome;
import dev.mnistlab.jobs.TrainingJobs;
import dev.mnistlab.run.Consistency;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.UsageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The architecture search, top to bottom: draw candidates under the budget, train each briefly,
 * rank them, train the best fully with every seed, and name the smallest that holds the bar. Every
 * training is a job on the executor given (child processes here, or Spark); a run already finished
 * in the search directory is read, never trained again, so a stopped search continues where it
 * stopped.
 */
public final class Search {
  /** The configuration fields a winner's recipe leaves out: they say how, not what, to train. */
  private static final Set<String> NOT_RECIPE = Set.of("model", "seed", "threads");

  /** The most candidates one search draws: each is a short run, and the draw builds networks. */
  public static final int MAX_CANDIDATES = 10_000;

  private Search() {}

  /**
   * What to search.
   *
   * @param space the architectures to draw from
   * @param budget the most trainable parameters a candidate may have
   * @param candidates how many distinct candidates to draw
   * @param searchSeed seeds the draw
   * @param shortEpochs epochs of the ranking runs (the recipe's schedule squeezed into them)
   * @param top how many of the best-ranked candidates are trained fully
   * @param seeds the seeds of the full runs; the first also seeds the ranking runs
   * @param target test accuracy (%) every seed must hold in each of its last 3 epochs
   * @param everySeed train every seed of every finalist; otherwise the full runs go seed by seed
   *     and a finalist that misses the bar on one seed trains no more (it cannot hold it)
   * @param config the full runs' training configuration (its model and seed are replaced)
   * @param dataDir where the jobs read the dataset (fetched and verified beforehand)
   */
  public record Plan(
      SearchSpace space,
      long budget,
      int candidates,
      long searchSeed,
      int shortEpochs,
      int top,
      List<Long> seeds,
      double target,
      boolean everySeed,
      TrainConfig config,
      Path dataDir) {
    /** Copies the seeds and checks the counts. */
    public Plan {
      seeds = List.copyOf(seeds);
      check(budget >= 100, "--budget must be at least 100 parameters, got " + budget);
      check(candidates >= 1, "--candidates must be at least 1, got " + candidates);
      check(shortEpochs >= 1, "--epochs-short must be at least 1, got " + shortEpochs);
      check(
          candidates <= MAX_CANDIDATES,
          "--candidates must be at most " + MAX_CANDIDATES + ", got " + candidates);
      check(top >= 1, "--top must be at least 1, got " + top);
      check(
          target > 0 && target <= 100, "--target must be a percentage in (0, 100], got " + target);
      check(!seeds.isEmpty(), "--seeds must name at least one seed");
    }
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new UsageException(message);
    }
  }

  /**
   * Runs the search in {@code dir} and writes its results there.
   *
   * @param say hears one line per phase
   * @throws dev.mnistlab.io.DirectoryLock.HeldException when another search holds the directory
   */
  public static SearchResult run(
      Plan plan,
      SearchDirectory dir,
      JobExecutor executor,
      JobExecutor.Listener listener,
      Consumer<String> say) {
    try (DirectoryLock lock = dir.lock()) {
      // 1. Candidates: drawn under the budget, each written as a spec file the jobs train.
      dir.write(dir.space(), Mappers.YAML.valueToTree(plan.space()).toPrettyString());
      List<Candidate> candidates =
          CandidateSampler.sample(
              plan.space(), plan.budget(), plan.candidates(), plan.searchSeed());
      if (candidates.isEmpty()) {
        throw new UsageException(
            "no candidate of the space lies between "
                + Math.round(plan.space().minParamsFraction() * plan.budget())
                + " and "
                + plan.budget()
                + " trainable parameters; raise --budget or widen the space");
      }
      for (Candidate c : candidates) {
        dir.write(dir.candidateSpec(c.name()), c.specText());
      }
      say.accept(
          candidates.size()
              + " candidates of at most "
              + plan.budget()
              + " parameters (of "
              + plan.candidates()
              + " asked for)");

      // 2. Ranking: every candidate trained for a few epochs with the first seed.
      long firstSeed = plan.seeds().get(0);
      List<Job> shortJobs = new ArrayList<>();
      for (Candidate c : candidates) {
        Path run = dir.shortRun(c.name(), plan.shortEpochs());
        TrainConfig config = config(plan, dir, c, plan.shortEpochs(), firstSeed);
        if (!finished(run, config)) {
          shortJobs.add(job(c, firstSeed, config, run, plan.dataDir()));
        }
      }
      say.accept(
          "ranking: "
              + shortJobs.size()
              + " short runs of "
              + Plain.count(plan.shortEpochs(), "epoch")
              + " to train, "
              + (candidates.size() - shortJobs.size())
              + " already done");
      List<String> failures = new ArrayList<>(failures(executor, shortJobs, listener));
      List<SearchResult.Ranked> ranked = rank(plan, dir, candidates);

      // 3. Full runs: the best candidates, the whole recipe. They go seed by seed: one seed that
      // misses the bar settles a finalist's verdict, so its later seeds would be training for
      // nothing (--every-seed trains them all at once, for the statistics or for more cores than
      // finalists). The report is written before each round, so a long search shows how far it
      // got; the ranking is in it from the first.
      List<SearchResult.Ranked> best =
          ranked.stream().filter(r -> !r.failed()).limit(plan.top()).toList();
      List<List<Long>> rounds =
          plan.everySeed() ? List.of(plan.seeds()) : plan.seeds().stream().map(List::of).toList();
      for (List<Long> round : rounds) {
        List<SearchResult.Finalist> standing =
            best.stream().map(r -> finalist(plan, dir, r)).toList();
        SearchReport.write(result(plan, ranked, standing, null, failures), dir);
        List<Job> fullJobs = new ArrayList<>();
        int running = 0;
        for (SearchResult.Finalist f : standing) {
          if (!plan.everySeed() && f.consistency() != null && !f.consistency().consistent()) {
            continue; // settled: a seed missed the bar
          }
          running++;
          Candidate c = find(candidates, f.name());
          for (long seed : round) {
            Path run = RunDirectory.seedDir(dir.fullRuns(c.name()), seed);
            TrainConfig config = config(plan, dir, c, plan.config().epochs(), seed);
            if (!finished(run, config)) {
              fullJobs.add(job(c, seed, config, run, plan.dataDir()));
            }
          }
        }
        if (running == 0 && !best.isEmpty()) { // only seed by seed: every finalist settled
          say.accept(
              "full runs: every finalist has missed the bar on a seed; no more to train (the"
                  + " report names the seeds each skipped)");
          break;
        }
        say.accept(
            plan.everySeed()
                ? "full runs: "
                    + fullJobs.size()
                    + " to train for the best "
                    + best.size()
                    + " × "
                    + plan.seeds().size()
                    + " seeds"
                : "full runs, seed "
                    + round.get(0)
                    + ": "
                    + fullJobs.size()
                    + " to train for "
                    + Plain.count(running, "finalist")
                    + " still at the bar");
        failures.addAll(failures(executor, fullJobs, listener));
      }
      List<SearchResult.Finalist> finalists = new ArrayList<>();
      for (SearchResult.Ranked r : best) {
        finalists.add(finalist(plan, dir, r));
      }

      // 4. The winner: the smallest finalist that held the bar for every seed.
      SearchResult.Finalist winner =
          finalists.stream()
              .filter(f -> f.consistency() != null && f.consistency().consistent())
              .min(Comparator.comparingLong(SearchResult.Finalist::trainableParams))
              .orElse(null);
      if (winner != null) {
        dir.write(dir.winner(), winnerSpec(find(candidates, winner.name()), plan.config()));
      } else {
        dir.deleteWinner(); // one from an earlier search here, under another bar
      }
      SearchResult result =
          result(plan, ranked, finalists, winner == null ? null : winner.name(), failures);
      SearchReport.write(result, dir);
      return result;
    }
  }

  private static SearchResult result(
      Plan plan,
      List<SearchResult.Ranked> ranked,
      List<SearchResult.Finalist> finalists,
      String winner,
      List<String> failures) {
    return new SearchResult(
        plan.budget(),
        plan.shortEpochs(),
        plan.config().epochs(),
        plan.seeds(),
        plan.target(),
        plan.everySeed(),
        ranked,
        finalists,
        winner,
        List.copyOf(failures));
  }

  private static boolean finished(Path run) {
    return RunDirectory.exists(run) && RunDirectory.open(run).isComplete();
  }

  /**
   * Whether {@code run} is finished. A run found there must be of {@code config}: a search run
   * again with another recipe, length, limit or seed would otherwise take runs that are not its
   * own.
   *
   * @throws IllegalArgumentException naming the run and the fields that differ
   */
  private static boolean finished(Path run, TrainConfig config) {
    if (!RunDirectory.exists(run)) {
      return false;
    }
    RunDirectory existing = RunDirectory.open(run);
    TrainConfig saved = existing.readConfig();
    ConfigDiff diff = ConfigDiff.ofRun(saved, config);
    if (!diff.isEmpty()) {
      throw new UsageException(
          run
              + " holds a run of another search setting ("
              + diff
              + "); give this search another --out");
    }
    return existing.isComplete();
  }

  /** The configuration of one candidate's run: the recipe with its model, length and seed. */
  private static TrainConfig config(
      Plan plan, SearchDirectory dir, Candidate c, int epochs, long seed) {
    ObjectNode fields = Mappers.YAML.createObjectNode();
    fields.put("model", dir.candidateSpec(c.name()).toAbsolutePath().normalize().toString());
    fields.put("epochs", epochs);
    fields.put("seed", seed);
    return TrainConfigs.override(plan.config(), fields, "search").validate();
  }

  private static Job job(Candidate c, long seed, TrainConfig config, Path run, Path dataDir) {
    String name = c.name() + " seed " + seed + " (" + config.epochs() + " epochs)";
    return TrainingJobs.startOrContinue(name, config, run, dataDir);
  }

  /** Runs the jobs; a candidate that fails is reported, not fatal to the search. */
  private static List<String> failures(
      JobExecutor executor, List<Job> jobs, JobExecutor.Listener listener) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    List<JobOutcome> outcomes = TrainingJobs.runAll(executor, jobs, listener);
    return TrainingJobs.failures(outcomes);
  }

  /**
   * Candidates by short-run test accuracy at the last epoch, then fewer parameters; failed last.
   */
  private static List<SearchResult.Ranked> rank(
      Plan plan, SearchDirectory dir, List<Candidate> candidates) {
    List<SearchResult.Ranked> ranked = new ArrayList<>();
    for (Candidate c : candidates) {
      Path run = dir.shortRun(c.name(), plan.shortEpochs());
      boolean done = finished(run);
      double accuracy = done ? RunDirectory.open(run).readMetrics().last().testAcc() : 0;
      ranked.add(
          new SearchResult.Ranked(
              c.name(), c.shape(), c.trainableParams(), accuracy, !done, false));
    }
    ranked.sort(
        Comparator.comparing(SearchResult.Ranked::failed)
            .thenComparing(
                Comparator.comparingDouble(SearchResult.Ranked::shortAccuracy).reversed())
            .thenComparingLong(SearchResult.Ranked::trainableParams));
    return SearchResult.markFront(ranked);
  }

  /**
   * A finalist as far as its full runs go. Seed by seed (no {@code everySeed}), a finished seed
   * that misses the bar settles it: its verdict comes from the seeds trained, and the others are
   * skipped. Otherwise a seed not yet finished leaves it unfinished (no consistency).
   */
  private static SearchResult.Finalist finalist(
      Plan plan, SearchDirectory dir, SearchResult.Ranked r) {
    List<RunResult> runs = new ArrayList<>();
    List<Long> untrained = new ArrayList<>();
    for (long seed : plan.seeds()) {
      Path run = RunDirectory.seedDir(dir.fullRuns(r.name()), seed);
      if (finished(run)) {
        runs.add(RunDirectory.open(run).readMetrics());
      } else {
        untrained.add(seed);
      }
    }
    Consistency trained = runs.isEmpty() ? null : Consistency.of(runs, plan.target());
    boolean settled = !plan.everySeed() && trained != null && !trained.consistent();
    if (!untrained.isEmpty() && !settled) {
      return new SearchResult.Finalist(r.name(), r.shape(), r.trainableParams(), null, List.of());
    }
    return new SearchResult.Finalist(
        r.name(), r.shape(), r.trainableParams(), trained, List.copyOf(untrained));
  }

  private static Candidate find(List<Candidate> candidates, String name) {
    return candidates.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  /**
   * The winner's spec with its recipe: the fields of the search's recipe that differ from the
   * defaults, and always the epochs, so that {@code train --model winner.yaml} repeats a full run.
   */
  static String winnerSpec(Candidate winner, TrainConfig recipe) {
    JsonNode defaults = Mappers.YAML.valueToTree(TrainConfig.defaults());
    ObjectNode fields = Mappers.YAML.createObjectNode();
    Mappers.YAML
        .valueToTree(recipe)
        .fields()
        .forEachRemaining(
            f -> {
              if (!NOT_RECIPE.contains(f.getKey())
                  && (f.getKey().equals("epochs")
                      || !f.getValue().equals(defaults.get(f.getKey())))) {
                fields.set(f.getKey(), f.getValue());
              }
            });
    ObjectNode recipeOnly = Mappers.YAML.createObjectNode();
    recipeOnly.set("recipe", fields);
    try {
      String yaml = Mappers.YAML.writeValueAsString(recipeOnly).replaceFirst("^---\\n", "");
      return winner.specText().replaceFirst("\ninput:", "\n" + yaml.stripTrailing() + "\ninput:");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a configuration always writes as YAML", e);
    }
  }
}
