package dev.mnistlab.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.mnistlab.engine.EngineCheck.Direction;
import dev.mnistlab.text.Failure;
import dev.mnistlab.text.UsageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's choice of {@link ConvBackend}: the fastest one whose {@link EngineCheck} passes on
 * this machine, chosen once, right after the engine loads and before any training or inference.
 * Where the fastest is wrong, one warning line says so and what runs instead.
 *
 * <p>Two settings steer it, for benchmarks and tests: {@code MNISTLAB_CONV_BACKEND} (or the system
 * property {@code mnistlab.conv.backend}) asks for one backend, which must still pass the check;
 * the system property {@code mnistlab.engine.simulate} (a comma-separated list of {@code forward},
 * {@code backward-data}, {@code backward-weights}) makes the check see NaN where oneDNN computed
 * those directions, as on a CPU where its kernels are wrong.
 */
public final class Convolutions {
  private static final Logger LOG = LoggerFactory.getLogger(Convolutions.class);

  private static volatile Choice chosen;
  private static NativeSwitches switches;
  private static String switchesUnavailable;

  private Convolutions() {}

  /** No backend computes this machine's convolutions correctly; nothing should run. */
  public static final class EngineFaultException extends RuntimeException implements Failure {
    @Override
    public int exitCode() {
      return FAILED;
    }

    EngineFaultException(String message) {
      super(message);
    }
  }

  /**
   * The backend in use and the checks behind the choice.
   *
   * @param reports the check of each backend tried, fastest first, the chosen one last
   * @param switchUnavailable why oneDNN could not be switched off, or null where it can
   * @param requested whether {@code MNISTLAB_CONV_BACKEND} asked for it (only it was checked)
   */
  public record Choice(
      ConvBackend backend,
      List<EngineCheck.Report> reports,
      String switchUnavailable,
      boolean requested) {
    /**
     * The choice in words, as runs record it: {@code "oneDNN (self-check passed)"}, or the backend
     * and what the check found wrong with the faster ones.
     */
    public String describe() {
      if (requested) {
        return backend.label() + " (asked for by MNISTLAB_CONV_BACKEND; self-check passed)";
      }
      if (reports.size() == 1) {
        return backend.label() + " (self-check passed)";
      }
      EngineCheck.Report fastest = reports.get(0);
      return backend.label()
          + " (self-check: oneDNN's "
          + fastest.failedDirections().stream()
              .map(Direction::label)
              .collect(Collectors.joining(" and "))
          + " wrong on this CPU)";
    }
  }

  /**
   * Checks the backends and applies the first that passes, once a process; later calls return the
   * first call's choice. The engine must be started.
   *
   * @throws EngineFaultException when none passes
   * @throws IllegalArgumentException when {@code MNISTLAB_CONV_BACKEND} names no backend
   */
  public static synchronized Choice choose() {
    if (chosen == null) {
      Choice choice = decide(requested(), simulated(), bindSwitches());
      apply(choice.backend());
      if (choice.reports().size() > 1) {
        LOG.warn(
            "the engine's fast convolution kernels are wrong on this CPU ({}); using {}, checked"
                + " correct (./mnistlab doctor shows the figures)",
            choice.reports().get(0).failures().get(0).describe(),
            choice.backend().label());
      }
      chosen = choice;
    }
    return chosen;
  }

  /** The choice made, or null before {@link #choose}. */
  public static Choice current() {
    return chosen;
  }

  /**
   * Runs the backward pass of {@code loss} on the backend chosen for gradients: with {@link
   * ConvBackend#ONEDNN_FORWARD} oneDNN is switched off for its duration.
   */
  public static void backward(GradientCollector collector, NDArray loss) {
    Choice choice = chosen;
    boolean toggle = choice != null && choice.backend() == ConvBackend.ONEDNN_FORWARD;
    if (!toggle) {
      collector.backward(loss);
      return;
    }
    switches.oneDnn(false);
    try {
      collector.backward(loss);
    } finally {
      switches.oneDnn(true);
    }
  }

  /**
   * Checks every backend, fastest first, without changing the choice: what {@code doctor} shows.
   * The engine must be started.
   */
  public static synchronized List<EngineCheck.Report> survey() {
    NativeSwitches bound = bindSwitches();
    Set<Direction> simulated = simulated();
    List<EngineCheck.Report> reports = new ArrayList<>();
    try {
      for (ConvBackend backend : ConvBackend.values()) {
        if (backend == ConvBackend.ONEDNN || bound != null) {
          reports.add(EngineCheck.run(backend, oneDnnSwitch(bound), simulated));
        }
      }
    } finally {
      if (chosen != null) {
        apply(chosen.backend());
      }
    }
    return reports;
  }

  /** Why oneDNN cannot be switched off in this process, or null where it can. */
  public static synchronized String switchUnavailable() {
    bindSwitches();
    return switchesUnavailable;
  }

  /**
   * The first backend, fastest first, whose check passes; only {@code requested} when one is.
   * oneDNN-forward is tried only where oneDNN's forward passes were right.
   */
  static Choice decide(ConvBackend requested, Set<Direction> simulated, NativeSwitches bound) {
    String unavailable = bound == null ? switchUnavailable() : null;
    List<ConvBackend> candidates =
        requested != null
            ? List.of(requested)
            : bound == null ? List.of(ConvBackend.ONEDNN) : Arrays.asList(ConvBackend.values());
    List<EngineCheck.Report> reports = new ArrayList<>();
    try {
      for (ConvBackend backend : candidates) {
        if (backend == ConvBackend.ONEDNN_FORWARD
            && !reports.isEmpty()
            && reports.get(0).failedDirections().contains(Direction.FORWARD)) {
          continue;
        }
        if (backend != ConvBackend.ONEDNN && bound == null) {
          throw new EngineFaultException(
              "convolution backend " + backend.id() + " needs oneDNN switched off: " + unavailable);
        }
        EngineCheck.Report report = EngineCheck.run(backend, oneDnnSwitch(bound), simulated);
        reports.add(report);
        if (report.passed()) {
          return new Choice(backend, List.copyOf(reports), unavailable, requested != null);
        }
      }
    } finally {
      if (chosen != null) {
        apply(chosen.backend()); // the checks flip the switch; the process's choice stands
      }
    }
    throw new EngineFaultException(
        "the engine computes convolutions wrongly on this CPU with "
            + reports.stream()
                .map(r -> r.backend().id() + " (" + r.failures().get(0).describe() + ")")
                .collect(Collectors.joining(", "))
            + (unavailable == null ? "" : "; oneDNN cannot be switched off: " + unavailable)
            + "; nothing trained or predicted here would be right (./mnistlab doctor shows the"
            + " figures)");
  }

  private static void apply(ConvBackend backend) {
    if (switches != null) {
      switches.oneDnn(backend.forwardOnOneDnn());
    }
  }

  private static Consumer<Boolean> oneDnnSwitch(NativeSwitches bound) {
    return bound == null ? null : bound::oneDnn;
  }

  /**
   * The process's switches, bound once (a failure too, its reason kept for {@link
   * #switchUnavailable}); null where they cannot be reached.
   */
  private static synchronized NativeSwitches bindSwitches() {
    if (switches == null && switchesUnavailable == null) {
      try {
        switches = NativeSwitches.bind();
        // Never NNPACK: it has no kernels for most server CPUs and says so on every convolution.
        switches.nnpack(false);
      } catch (NativeSwitches.UnavailableException e) {
        switchesUnavailable = e.getMessage();
      }
    }
    return switches;
  }

  /**
   * The backend asked for by {@code MNISTLAB_CONV_BACKEND} or {@code mnistlab.conv.backend}, or
   * null when none is.
   */
  public static ConvBackend requested() {
    String value =
        System.getProperty("mnistlab.conv.backend", System.getenv("MNISTLAB_CONV_BACKEND"));
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return ConvBackend.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException("MNISTLAB_CONV_BACKEND: " + e.getMessage(), e);
    }
  }

  private static Set<Direction> simulated() {
    Set<Direction> directions = EnumSet.noneOf(Direction.class);
    String value = System.getProperty("mnistlab.engine.simulate", "");
    for (String name : value.split(",")) {
      if (!name.isBlank()) {
        String constant = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (Arrays.stream(Direction.values()).noneMatch(d -> d.name().equals(constant))) {
          throw new UsageException(
              "mnistlab.engine.simulate: unknown direction '"
                  + name.trim()
                  + "' (known: forward, backward-data, backward-weights)");
        }
        directions.add(Direction.valueOf(constant));
      }
    }
    return directions;
  }
}
