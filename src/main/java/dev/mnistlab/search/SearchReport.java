package dev.mnistlab.search;

import dev.mnistlab.io.Mappers;
import dev.mnistlab.report.ParameterCharts;
import dev.mnistlab.run.Consistency;
import dev.mnistlab.text.Plain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Writes a search's results: {@code search.json}, {@code search.md} and its chart. */
final class SearchReport {
  private SearchReport() {}

  static void write(SearchResult result, SearchDirectory dir) {
    try {
      dir.write(dir.resultsJson(), Mappers.JSON.writeValueAsBytes(result));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resultsJson(), e);
    }
    Set<String> finalists =
        result.finalists().stream().map(SearchResult.Finalist::name).collect(Collectors.toSet());
    List<ParameterCharts.Candidate> points =
        result.candidates().stream()
            .filter(r -> !r.failed())
            .map(
                r ->
                    new ParameterCharts.Candidate(
                        r.trainableParams(),
                        r.shortAccuracy(),
                        r.onFront(),
                        finalists.contains(r.name())))
            .toList();
    if (!points.isEmpty()) {
      dir.write(
          dir.frontChart(),
          ParameterCharts.searchFront(
              "Candidates under " + Plain.count(result.budget()) + " parameters", points));
    }
    dir.write(dir.resultsMarkdown(), markdown(result, dir, !points.isEmpty()));
  }

  /** Holds, or does not, and when the search went seed by seed: where it stopped. */
  private static String verdict(SearchResult.Finalist f) {
    Consistency c = f.consistency();
    if (c.consistent()) {
      return "holds";
    }
    if (f.seedsSkipped().isEmpty()) {
      return "does not hold";
    }
    List<Long> missed =
        c.seeds().stream()
            .filter(s -> s.last3AtTarget() < s.window())
            .map(Consistency.Seed::seed)
            .toList();
    return "does not hold: "
        + (missed.size() == 1 ? "seed " : "seeds ")
        + Plain.list(missed)
        + " missed; "
        + Plain.list(f.seedsSkipped())
        + " not trained";
  }

  static String markdown(SearchResult result, SearchDirectory dir, boolean chart) {
    StringBuilder md = new StringBuilder();
    String bar =
        String.format(
            Locale.ROOT,
            "≥ %.2f%% test accuracy in each of the last 3 epochs for every seed (%s)",
            result.target(),
            Plain.list(result.seeds()));
    md.append("# Search under ")
        .append(Plain.count(result.budget()))
        .append(" trainable parameters\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "%s ranked by the test accuracy of a short run of %s (seed %d); the best %d trained"
                + " for %s %s. The bar: %s.%n%n",
            Plain.count(result.candidates().size(), "candidate"),
            // "a short run of 8 epochs", never "a 8-epoch run".
            Plain.count(result.shortEpochs(), "epoch"),
            result.seeds().get(0),
            result.finalists().size(),
            Plain.count(result.fullEpochs(), "epoch"),
            result.everySeed()
                ? "with every seed"
                : "seed by seed, each until a seed misses the bar (its verdict is then settled)",
            bar));
    if (result.winner() != null) {
      SearchResult.Finalist w =
          result.finalists().stream()
              .filter(f -> f.name().equals(result.winner()))
              .findFirst()
              .orElseThrow();
      md.append(
          String.format(
              Locale.ROOT,
              "**Winner: %s**, %s trainable parameters (%s): the lowest of its seeds' last-3"
                  + " minimums is %.2f%%. `./mnistlab train --model %s` trains it with the search's"
                  + " recipe.%n%n",
              w.name(),
              Plain.count(w.trainableParams()),
              w.shape(),
              w.consistency().minLast3().min(),
              dir.winner()));
    } else if (result.finalists().stream().anyMatch(f -> f.consistency() == null)) {
      md.append("**The full runs are not finished:** run the same command again to continue.\n\n");
    } else {
      md.append("**No candidate trained fully held the bar.**\n\n");
    }
    md.append("## Full runs\n\n");
    md.append(
        "| candidate | parameters | shape | min of last 3: lowest seed | mean | best: mean | seeds"
            + " at the bar | verdict |\n|---|---:|---|---:|---:|---:|---:|---|\n");
    for (SearchResult.Finalist f : result.finalists()) {
      Consistency c = f.consistency();
      if (c == null) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | | | | | unfinished |%n",
                f.name(),
                Plain.count(f.trainableParams()),
                f.shape()));
        continue;
      }
      long held = c.seeds().stream().filter(s -> s.last3AtTarget() == s.window()).count();
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %.2f | %.2f | %.2f | %d of %d | %s |%n",
              f.name(),
              Plain.count(f.trainableParams()),
              f.shape(),
              c.minLast3().min(),
              c.minLast3().mean(),
              c.best().mean(),
              held,
              c.seeds().size(),
              verdict(f)));
    }
    md.append("\n## Candidates, ranked\n\n");
    if (chart) {
      md.append("![accuracy against parameters](").append(dir.frontChartLink()).append(")\n\n");
    }
    md.append(
        "| rank | candidate | parameters | shape | short-run test accuracy | Pareto front |\n"
            + "|---:|---|---:|---|---:|---|\n");
    int rank = 0;
    for (SearchResult.Ranked r : result.candidates()) {
      rank++;
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %s | %s | %s |%n",
              rank,
              r.name(),
              Plain.count(r.trainableParams()),
              r.shape(),
              r.failed() ? "failed" : String.format(Locale.ROOT, "%.2f", r.shortAccuracy()),
              r.onFront() ? "yes" : ""));
    }
    if (!result.failures().isEmpty()) {
      md.append("\n## Failed jobs\n\n");
      result.failures().forEach(f -> md.append("- ").append(f).append('\n'));
    }
    return md.toString();
  }
}
