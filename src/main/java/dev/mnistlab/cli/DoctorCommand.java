package dev.mnistlab.cli;

import ai.djl.engine.Engine;
import dev.mnistlab.engine.ConvBackend;
import dev.mnistlab.engine.ConvCase;
import dev.mnistlab.engine.Convolutions;
import dev.mnistlab.engine.EngineCheck;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.engine.Machine;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mnistlab doctor}: the machine, the engine, the engine self-check's figures for every
 * convolution backend and the one chosen; exits non-zero when none computes correctly.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check that the engine computes correctly on this machine: every convolution backend,",
      "forward and backward, against a double-precision reference. Exits 1 if none is right."
    })
public class DoctorCommand implements Callable<Integer> {
  private final Environment environment;

  @Mixin LoggingMixin logging;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Intra-op threads to check with (default: the engine's choice, as train).")
  int threads;

  public DoctorCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    PrintStream out = environment.out();
    out.println("machine:  " + Machine.describe());
    Convolutions.EngineFaultException fault = null;
    try {
      Engines.start(threads);
    } catch (Convolutions.EngineFaultException e) {
      fault = e; // the engine loaded; the figures below say what is wrong
    }
    Engine engine = Engine.getInstance();
    out.println(
        "engine:   "
            + engine.getEngineName()
            + " "
            + engine.getVersion()
            + " through DJL "
            + Engine.getDjlVersion()
            + ", "
            + Engines.threads()
            + (Engines.threads() == 1 ? " thread" : " threads"));
    String unavailable = Convolutions.switchUnavailable();
    out.println(
        "switch:   "
            + (unavailable == null
                ? "oneDNN can be switched off (libtorch's own kernels are the fallback)"
                : "oneDNN cannot be switched off: " + unavailable));
    List<EngineCheck.Report> reports = Convolutions.survey();
    out.println();
    out.println(
        "Self-check: each convolution against a double-precision reference; the largest error"
            + " relative to the largest value (passes at most 1e-03).");
    for (ConvCase c : ConvCase.ALL) {
      out.printf(Locale.ROOT, "  %-16s %s%n", c.name(), c.shape());
    }
    out.println();
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-36s", "case"));
    reports.forEach(r -> header.append(String.format(Locale.ROOT, " %15s", r.backend().id())));
    out.println(header);
    int rows = reports.get(0).figures().size();
    for (int i = 0; i < rows; i++) {
      EngineCheck.Figure first = reports.get(0).figures().get(i);
      StringBuilder row =
          new StringBuilder(
              String.format(
                  Locale.ROOT, "%-36s", first.caseName() + " " + first.direction().label()));
      for (EngineCheck.Report r : reports) {
        row.append(String.format(Locale.ROOT, " %15s", cell(r.figures().get(i))));
      }
      out.println(row);
    }
    out.println();
    for (EngineCheck.Report r : reports) {
      out.printf(
          Locale.ROOT,
          "%-15s %s (%.2f s)%n",
          r.backend().id(),
          r.passed() ? "correct" : "WRONG: " + r.failures().get(0).describe(),
          r.seconds());
    }
    if (fault != null) {
      out.println();
      String verdict;
      if (Convolutions.requested() != null) {
        verdict =
            "the backend MNISTLAB_CONV_BACKEND asks for ("
                + Convolutions.requested().id()
                + ") is wrong or unavailable on this machine";
      } else if (unavailable != null) {
        verdict = "oneDNN is wrong here and cannot be switched off; do not train or predict here";
      } else {
        verdict = "no backend is correct on this machine; do not train or predict here";
      }
      out.println("verdict:  " + verdict);
      environment.err().println("mnistlab: " + fault.getMessage());
      return Main.FAILED;
    }
    ConvBackend chosen = Convolutions.current().backend();
    out.println();
    out.println("verdict:  " + Convolutions.current().describe());
    if (chosen != ConvBackend.ONEDNN) {
      out.println(
          "          runs record it in metrics.json's engine field;"
              + " MNISTLAB_CONV_BACKEND=native forces the slowest, most independent one");
    }
    return Main.OK;
  }

  private static String cell(EngineCheck.Figure f) {
    String text =
        f.nonFinite() > 0
            ? f.nonFinite() + " NaN"
            : String.format(Locale.ROOT, "%.1e", f.maxError());
    return f.passed() ? text : text + " !";
  }
}
