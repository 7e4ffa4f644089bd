package dev.mnistlab.cli;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import picocli.CommandLine;

/**
 * Numbers given as a range {@code 1..5} or a list {@code 1,3,7} ({@code --seeds}, {@code --steps}).
 *
 * @param values distinct numbers in the order given
 */
public record NumberList(List<Long> values) {
  /** Parses the text; a usage error names it. */
  static final class Converter implements CommandLine.ITypeConverter<NumberList> {
    @Override
    public NumberList convert(String text) {
      try {
        String t = text.strip();
        if (t.contains("..")) {
          String[] ends = t.split("\\.\\.", -1);
          long from = Long.parseLong(ends[0].strip());
          long to = Long.parseLong(ends[1].strip());
          if (ends.length != 2 || to < from || to - from >= 1000) {
            throw new NumberFormatException();
          }
          return new NumberList(LongStream.rangeClosed(from, to).boxed().toList());
        }
        return new NumberList(
            Arrays.stream(t.split(","))
                .map(String::strip)
                .map(Long::parseLong)
                .distinct()
                .toList());
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException(
            "'" + text + "' is not a range like 1..5 or a list like 1,3,7");
      }
    }
  }
}
