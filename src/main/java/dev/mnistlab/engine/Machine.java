package dev.mnistlab.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Names the computer a run trained on. A seed repeats its numbers exactly only with the same thread
 * count on the same kind of CPU: the engine picks its kernels by instruction set (AVX2, AVX-512),
 * and different kernels sum in a different order. Saved with every run so that two runs that
 * disagree can be told apart from a bug.
 */
public final class Machine {
  private static final Path CPUINFO = Path.of("/proc/cpuinfo");

  private Machine() {}

  /** This computer, e.g. {@code "AMD EPYC (family 25 model 17, avx512), 2 cores, Linux amd64"}. */
  public static String describe() {
    List<String> cpuinfo = List.of();
    if (Files.isReadable(CPUINFO)) {
      try {
        cpuinfo = Files.readAllLines(CPUINFO);
      } catch (IOException e) {
        // Not every system exposes it; the architecture below still says something.
      }
    }
    return describe(
        cpuinfo,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"));
  }

  /**
   * The description from the lines of a Linux {@code /proc/cpuinfo} (only its first processor is
   * read; empty when there is none), the number of cores and the system's name.
   */
  static String describe(List<String> cpuinfo, int cores, String system) {
    String name = null;
    String family = null;
    String model = null;
    String vectors = null;
    for (String line : cpuinfo) {
      if (line.isBlank() && name != null) {
        break; // the end of the first processor's block
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      switch (key) {
        case "model name" -> name = value;
        case "cpu family" -> family = value;
        case "model" -> model = value;
        case "flags" -> vectors = widestVectors(List.of(value.split("\\s+")));
        default -> {}
      }
    }
    StringBuilder text = new StringBuilder(name == null ? "unknown CPU" : name);
    if (family != null && model != null) {
      text.append(String.format(Locale.ROOT, " (family %s model %s", family, model));
      text.append(vectors == null ? ")" : ", " + vectors + ")");
    }
    return text.append(", ").append(cores).append(" cores, ").append(system).toString();
  }

  private static String widestVectors(List<String> flags) {
    if (flags.contains("avx512f")) {
      return "avx512";
    }
    if (flags.contains("avx2")) {
      return "avx2";
    }
    return flags.contains("avx") ? "avx" : null;
  }
}
