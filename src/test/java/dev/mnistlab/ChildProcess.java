package dev.mnistlab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of this build in a JVM of its own, as a user's process: for tests of what is
 * process-wide (the engine's backend choice, its seed) or printed by native code.
 */
public final class ChildProcess {
  private ChildProcess() {}

  /** A finished process: its exit code and what it printed. */
  public record Outcome(int exitCode, List<String> out, String err) {}

  /**
   * The command line that runs {@code mainClass} with {@code args} in a new JVM of this one's Java,
   * with the test class path, offline, and {@code jvmOptions}.
   */
  public static List<String> command(
      List<String> jvmOptions, Class<?> mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dai.djl.offline=true");
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
    command.addAll(args);
    return command;
  }

  /**
   * Runs {@code mainClass} with {@code args}, the test class path, {@code jvmOptions} and the
   * environment plus {@code env} (without {@code MNISTLAB_CONV_BACKEND} unless {@code env} sets
   * it); its output is kept in {@code dir} as NAME.out and NAME.err.
   */
  public static Outcome run(
      Path dir,
      String name,
      Map<String, String> env,
      List<String> jvmOptions,
      Class<?> mainClass,
      String... args)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command(jvmOptions, mainClass, List.of(args)));
    builder.environment().remove("MNISTLAB_CONV_BACKEND");
    builder.environment().putAll(env);
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(name + " did not finish in 180 s");
    }
    return new Outcome(
        process.exitValue(),
        Files.readAllLines(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
