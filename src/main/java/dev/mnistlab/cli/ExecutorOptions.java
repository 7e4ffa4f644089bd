package dev.mnistlab.cli;

import dev.mnistlab.jobs.JobExecutor;
import dev.mnistlab.jobs.JobExecutors;
import dev.mnistlab.text.UsageException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where independent trainings run: {@code --jobs N} child JVMs on this machine, or {@code --spark
 * MASTER} tasks of an Apache Spark application. Shared by {@code train --seeds}, {@code experiment
 * run} and {@code search}.
 */
public class ExecutorOptions {
  @Option(
      names = "--jobs",
      paramLabel = "N",
      description =
          "Train N runs at once, each in a JVM of its own (the engine's seed and threads are per"
              + " process); each run's output goes to a .log file beside its directory. Default 1."
              + " N jobs of T threads want N×T cores.")
  int jobs = 1;

  @Option(
      names = "--spark",
      paramLabel = "MASTER",
      description =
          "Run each training as a task of an Apache Spark application instead: local[N] embeds"
              + " Spark with N task slots, spark://HOST:7077 uses a cluster. Needs the Spark"
              + " libraries (built by `mvn -Pspark package`, see docs/guide.md).")
  String spark;

  /**
   * Whether the runs go to child processes or Spark rather than this process.
   *
   * @throws CommandLine.ParameterException when {@code --jobs} is below 1
   */
  boolean separateJobs(CommandLine commandLine) {
    checkJobs(commandLine);
    return jobs > 1 || spark != null;
  }

  private void checkJobs(CommandLine commandLine) {
    if (jobs < 1) {
      throw new CommandLine.ParameterException(
          commandLine, "--jobs must be at least 1, got " + jobs);
    }
  }

  /**
   * The executor the options ask for.
   *
   * @param attempts how many times a failing training is started
   * @throws CommandLine.ParameterException for a bad count or master
   */
  JobExecutor create(CommandLine commandLine, int attempts) {
    checkJobs(commandLine);
    try {
      if (spark != null) {
        if (commandLine.getParseResult().hasMatchedOption("--jobs")) {
          throw new UsageException(
              "give --jobs or --spark, not both (local[N] sets Spark's parallelism)");
        }
        return JobExecutors.spark(spark, Main.class, attempts);
      }
      return JobExecutors.local(jobs, Main.class, attempts);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, e.getMessage(), e);
    }
  }
}
