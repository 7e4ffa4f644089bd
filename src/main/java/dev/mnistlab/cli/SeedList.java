package dev.mnistlab.cli;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import picocli.CommandLine;

/**
 * The seeds of {@code --seeds}: a range {@code 1..5} or a list {@code 1,3,7}.
 *
 * @param values distinct seeds in the order given
 */
public record SeedList(List<Long> values) {
  /** Parses {@code --seeds}; a usage error names the bad text. */
  static final class Converter implements CommandLine.ITypeConverter<SeedList> {
    @Override
    public SeedList convert(String text) {
      try {
        String t = text.strip();
        if (t.contains("..")) {
          String[] ends = t.split("\\.\\.", -1);
          long from = Long.parseLong(ends[0].strip());
          long to = Long.parseLong(ends[1].strip());
          if (ends.length != 2 || to < from || to - from >= 1000) {
            throw new NumberFormatException();
          }
          return new SeedList(LongStream.rangeClosed(from, to).boxed().toList());
        }
        return new SeedList(
            Arrays.stream(t.split(","))
                .map(String::strip)
                .map(Long::parseLong)
                .distinct()
                .toList());
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException(
            "--seeds '" + text + "' is not a range like 1..5 or a list like 1,3,7");
      }
    }
  }
}
