package dev.mnistlab.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One quantity over rounds, for mnistlab and for each PyTorch flavour measured, with a note per
 * round where the number needs one. Both benchmarks accumulate through it, so their measures come
 * out alike: mnistlab's first, then the flavours in their order, even with no rounds.
 */
final class Tally {
  private final String what;
  private final String unit;
  private final Map<String, List<Double>> values = new LinkedHashMap<>();
  private final Map<String, List<String>> notes = new LinkedHashMap<>();

  Tally(String what, String unit, List<PytorchReference.Flavour> flavours) {
    this.what = what;
    this.unit = unit;
    start(Bench.MNISTLAB);
    for (PytorchReference.Flavour flavour : flavours) {
      start(flavour.label);
    }
  }

  private void start(String who) {
    values.put(who, new ArrayList<>());
    notes.put(who, new ArrayList<>());
  }

  /** Adds a round's value that needs no note. */
  void add(String who, double value) {
    values.get(who).add(value);
  }

  /** Adds a round's value and its note; a measure's notes are joined with commas. */
  void add(String who, double value, String note) {
    add(who, value);
    notes.get(who).add(note);
  }

  /** The values so far of {@link Bench#MNISTLAB} or of a flavour's label, one per round. */
  List<Double> values(String who) {
    return values.get(who);
  }

  /** One measure for each who, holding its values and its notes joined ("" with none). */
  List<Bench.Measure> measures() {
    List<Bench.Measure> measures = new ArrayList<>();
    values.forEach(
        (who, rounds) ->
            measures.add(
                new Bench.Measure(what, who, unit, rounds, String.join(", ", notes.get(who)))));
    return measures;
  }
}
