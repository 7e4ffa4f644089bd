package dev.mnistlab.text;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * "Did you mean …": the known names closest to a mistyped one by edit distance, for the messages
 * that refuse an unknown model or dataset. It sits below every other package, so both {@code data}
 * and {@code model} use it.
 */
public final class Suggestions {
  private Suggestions() {}

  /**
   * The names within a few edits of {@code wanted}, closest first (ties in the order given), at
   * most {@code limit}. Case is ignored; a name that contains {@code wanted} (or its last path
   * segment, as in {@code compact} for {@code mnistlab/compact}) also counts as close.
   */
  public static List<String> closest(String wanted, Collection<String> known, int limit) {
    String w = wanted.toLowerCase(Locale.ROOT);
    int allowed = Math.max(2, w.length() / 3);
    return known.stream()
        .map(name -> new Scored(name, score(w, name.toLowerCase(Locale.ROOT))))
        .filter(s -> s.distance <= allowed)
        .sorted(Comparator.comparingInt(Scored::distance))
        .limit(limit)
        .map(Scored::name)
        .toList();
  }

  /** {@code " (did you mean a or b?)"}, or empty when nothing is close, to append to a message. */
  public static String didYouMean(String wanted, Collection<String> known) {
    List<String> names = closest(wanted, known, 3);
    if (names.isEmpty()) {
      return "";
    }
    String last = names.get(names.size() - 1);
    String list =
        names.size() == 1
            ? last
            : String.join(", ", names.subList(0, names.size() - 1)) + " or " + last;
    return " (did you mean " + list + "?)";
  }

  private record Scored(String name, int distance) {}

  /** The edit distance to the whole name or to its last segment, whichever is smaller. */
  private static int score(String wanted, String name) {
    int whole = distance(wanted, name);
    int slash = name.lastIndexOf('/');
    int tail = slash < 0 ? whole : distance(wanted, name.substring(slash + 1));
    int contained = !wanted.isEmpty() && name.contains(wanted) ? 1 : Integer.MAX_VALUE;
    return Math.min(Math.min(whole, tail), contained);
  }

  /** Levenshtein distance (insertions, deletions, substitutions; each costs 1). */
  public static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
