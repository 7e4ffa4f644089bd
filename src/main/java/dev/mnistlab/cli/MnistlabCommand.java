package dev.mnistlab.cli;

import picocli.CommandLine.Command;

/** The top-level {@code mnistlab} command; it only groups the subcommands. */
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
public class MnistlabCommand {}
