package dev.mnistlab.cli;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What a person sees when they stop a training with Ctrl-C (SIGINT) or it is stopped with SIGTERM:
 * the JVM then runs its shutdown hooks and exits with 130 or 143, so a hook says what was kept and
 * the command that continues. The batch in flight is abandoned; the checkpoint of the last complete
 * epoch is on disk already (it is renamed into place whole, so a stop mid-write leaves the previous
 * one), and resuming repeats exactly what an uninterrupted run would have done.
 *
 * <p>Held for the length of a training command; closing it (a normal end, or a failure that prints
 * its own message) removes the hook.
 */
final class InterruptNotice implements AutoCloseable {
  private final Thread hook;
  private volatile boolean done;

  /** What the training has kept so far, read when the signal comes. */
  interface Progress {
    /** The run directory training now, or null before the first. */
    Path runDir();

    /** Epochs the current run has completed and checkpointed. */
    int epochsDone();
  }

  /**
   * @param err where the notice is printed
   * @param progress where the training is
   * @param resumeCommand the command that continues, for a run directory (null: the run's own
   *     {@code mnistlab train --resume DIR})
   */
  InterruptNotice(PrintStream err, Progress progress, String resumeCommand) {
    this.hook =
        new Thread(
            () -> {
              if (!done) {
                err.println();
                err.println(notice(progress.runDir(), progress.epochsDone(), resumeCommand));
                err.flush();
              }
            },
            "mnistlab-interrupt-notice");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * The command being run, as typed (its arguments quoted where they need it), with {@code --out
   * DIR} added when it was not given: run again, it continues where it stopped.
   */
  static String sameCommand(picocli.CommandLine.Model.CommandSpec spec, Path addOut) {
    StringBuilder command = new StringBuilder(spec.qualifiedName());
    for (String arg : spec.commandLine().getParseResult().originalArgs()) {
      command.append(' ').append(quoted(arg));
    }
    if (addOut != null) {
      command.append(" --out ").append(quoted(addOut.toString()));
    }
    return command.toString();
  }

  private static String quoted(String arg) {
    return arg.matches("[A-Za-z0-9_./:=,@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
  }

  /** The one line printed: what is kept, and how to go on. */
  static String notice(Path runDir, int epochsDone, String resumeCommand) {
    String command = resumeCommand != null ? resumeCommand : "mnistlab train --resume " + runDir;
    if (runDir == null) {
      return "mnistlab: stopped before training began; nothing to keep";
    }
    String kept =
        epochsDone == 0
            ? "no epoch of " + runDir + " had finished, so it starts again"
            : runDir + " keeps its checkpoint after epoch " + epochsDone;
    return "mnistlab: stopped; " + kept + "; continue with: " + command;
  }

  @Override
  public void close() {
    done = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already exiting; the hook sees done and says nothing.
    }
  }
}
