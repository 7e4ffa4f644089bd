package dev.mnistlab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** The top-level {@code mnistlab} command: it groups the subcommands, and alone lists them. */
@Command(
    name = "mnistlab",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Design, train, evaluate and report compact CNNs on MNIST-family data.",
    subcommands = {
      TrainCommand.class,
      DataCommand.class,
      ModelsCommand.class,
      SummaryCommand.class,
      AugmentCommand.class,
      LrFindCommand.class,
      ExperimentCommand.class,
      ReportCommand.class,
      CompareCommand.class,
      EvaluateCommand.class,
      PredictCommand.class,
      ExportCommand.class,
      ServeCommand.class,
      BoardCommand.class,
      SearchCommand.class,
      BenchCommand.class,
      DoctorCommand.class
    })
public class MnistlabCommand implements Runnable {
  @Spec CommandLine.Model.CommandSpec spec;

  /** {@code ./mnistlab} alone: what it can do, as {@code --help} says it. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
