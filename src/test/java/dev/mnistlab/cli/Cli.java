package dev.mnistlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Runs the command line in-process as {@link Main} does, capturing what it prints. */
final class Cli {
  private Cli() {}

  /** A finished command: its exit code and what it printed. */
  record Outcome(int exitCode, String out, String err) {}

  /** Runs {@code args} with {@code env} as the environment and {@code home} as the home. */
  static Outcome run(Path home, Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Environment environment =
        new Environment(
            env,
            home,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    int code = Main.commandLine(environment).execute(args);
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The real environment (data cache in the user's home), for commands that need MNIST. */
  static Outcome runWithRealData(String... args) {
    Environment system = Environment.system();
    return run(system.home(), system.env(), args);
  }

  /** Failed with {@code code} and one line on stderr holding every fragment; no stack trace. */
  static void assertOneLineError(Outcome o, int code, String... fragments) {
    assertThat(o.exitCode()).as(o.err()).isEqualTo(code);
    assertThat(o.err().strip())
        .doesNotContain("\n")
        .doesNotContain("\tat ")
        .startsWith("mnistlab: ");
    for (String fragment : fragments) {
      assertThat(o.err()).contains(fragment);
    }
  }
}
