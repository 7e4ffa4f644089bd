package dev.mnistlab.cli;

import dev.mnistlab.text.Failure;
import dev.mnistlab.text.Reasons;
import dev.mnistlab.text.Suggestions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/** Entry point: builds the command line and maps failures to exit codes. */
public final class Main {
  /** Success. */
  public static final int OK = 0;

  /** The run started but failed: data, engine, training. */
  public static final int FAILED = Failure.FAILED;

  /** The command line or an input file is wrong. */
  public static final int USAGE = Failure.USAGE;

  private Main() {}

  public static void main(String[] args) {
    System.exit(commandLine(Environment.system()).execute(args));
  }

  /**
   * The one factory for the command line, used by {@link #main} and by tests. Errors print as one
   * line on stderr ({@code mnistlab: ...}); {@code --verbose} adds the stack trace.
   */
  public static CommandLine commandLine(Environment environment) {
    CommandLine cli = new CommandLine(new MnistlabCommand(), new Factory(environment));
    cli.setOut(new PrintWriter(environment.out(), true));
    cli.setErr(new PrintWriter(environment.err(), true));
    HelpLayout.apply(cli);
    cli.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine.Model.CommandSpec spec = ex.getCommandLine().getCommandSpec();
          ex.getCommandLine()
              .getErr()
              .println(
                  "mnistlab: "
                      + ex.getMessage()
                      + didYouMean(ex, spec)
                      + " (see '"
                      + spec.qualifiedName()
                      + " --help')");
          return USAGE;
        });
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          // One line, whatever a library put in the message.
          err.println("mnistlab: " + message(ex).replaceAll("\\s*\\R\\s*", " "));
          if (verbose(parseResult)) {
            ex.printStackTrace(err);
          }
          return exitCode(ex);
        });
    return cli;
  }

  /**
   * " (did you mean train?)" for a mistyped command or option: the known names of the command it
   * was given to that are closest to the first word not understood.
   */
  static String didYouMean(CommandLine.ParameterException ex, CommandLine.Model.CommandSpec spec) {
    if (!(ex instanceof CommandLine.UnmatchedArgumentException unmatched)
        || unmatched.getUnmatched().isEmpty()) {
      return "";
    }
    String first = unmatched.getUnmatched().get(0);
    String word = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
    return Suggestions.didYouMean(
        word, word.startsWith("-") ? spec.optionsMap().keySet() : spec.subcommands().keySet());
  }

  /** A foreseen failure's own exit status; anything else is a failure of the run. */
  static int exitCode(Exception ex) {
    return ex instanceof Failure failure ? failure.exitCode() : FAILED;
  }

  /**
   * The one line a failure prints. mnistlab's own failures carry a sentence for the user; for the
   * rest the message is put in words (never a Java class name, which tells a user nothing), with
   * the cause's reason when there is one.
   */
  static String message(Throwable ex) {
    if (ex instanceof Failure && ex.getMessage() != null) {
      return ex.getMessage();
    }
    String text = Reasons.of(ex);
    Throwable cause = ex.getCause();
    String because = cause == null || cause == ex ? "" : Reasons.of(cause);
    if (because.isEmpty() || text.contains(because)) {
      because = "";
    } else {
      because = " (" + because + ")";
    }
    if (ex instanceof IOException || ex instanceof UncheckedIOException) {
      return (text.isEmpty() ? "input/output error" : text) + because;
    }
    return (text.isEmpty() ? "unexpected error" : "unexpected error: " + text)
        + because
        + " (run with --verbose for details)";
  }

  private static boolean verbose(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** Gives every command that wants one the environment through its constructor. */
  private record Factory(Environment environment) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        return cls.getDeclaredConstructor(Environment.class).newInstance(environment);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }
}
