package dev.mnistlab.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** {@code --verbose}: shows the engine's start-up chatter and stack traces of errors. */
public class LoggingMixin {
  boolean verbose;

  @Option(
      names = {"-v", "--verbose"},
      description = "Show DJL's start-up messages, debug logging and full stack traces on errors.")
  void setVerbose(boolean verbose) {
    this.verbose = verbose;
    if (verbose
        && LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext) {
      ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
      ((Logger) LoggerFactory.getLogger("dev.mnistlab")).setLevel(Level.DEBUG);
    }
  }
}
