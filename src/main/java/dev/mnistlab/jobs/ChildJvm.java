package dev.mnistlab.jobs;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a job's JVM starts: a class path, a main class and JVM options. It travels with a Spark task
 * (it is serializable), and the Java that runs the child is the one running where the job runs.
 *
 * @param classPath the child's class path; by default this process's, so on a cluster mnistlab must
 *     sit at the same path on every machine (as the run directories and data must be reachable at
 *     the same paths)
 * @param mainClass the class whose {@code main} takes a mnistlab command line
 * @param jvmOptions options for the child ({@code -Dai.djl.offline=true})
 */
public record ChildJvm(String classPath, String mainClass, List<String> jvmOptions)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** mnistlab's exit status for a wrong command line: retrying cannot help. */
  private static final int USAGE = 2;

  /** A child stopped by SIGINT or SIGTERM (128 + the signal): asked to stop, not failed. */
  private static final Set<Integer> STOPPED = Set.of(130, 143);

  /**
   * Whether an attempt that exited so is the last: success, a usage error, or a stop someone asked
   * for (a Ctrl-C reaches every child of the terminal). A child killed otherwise (SIGKILL, an
   * out-of-memory kill) or failing is started again and continues from its checkpoint.
   */
  private static boolean done(int exit) {
    return exit == 0 || exit == USAGE || STOPPED.contains(exit);
  }

  /** Copies the options. */
  public ChildJvm {
    jvmOptions = List.copyOf(jvmOptions);
  }

  /**
   * A child like this process: its class path, or {@code -Dmnistlab.child.classpath} where it is
   * set (a cluster whose machines install mnistlab elsewhere).
   */
  public static ChildJvm likeThisProcess(String mainClass, List<String> jvmOptions) {
    String classPath =
        System.getProperty("mnistlab.child.classpath", System.getProperty("java.class.path"));
    return new ChildJvm(classPath, mainClass, jvmOptions);
  }

  /**
   * The children running in one executor, so that it can stop them all; once stopping, no child
   * starts and no failed one is started again (its failure is the stop itself).
   */
  public static final class Children {
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /** SIGTERM to every running child, waiting for each: each saves what it has and exits. */
    public void stopAll() {
      stopping = true;
      running.forEach(Process::destroy);
      running.forEach(ChildJvm::waitFor);
    }

    boolean stopping() {
      return stopping;
    }
  }

  /**
   * Runs {@code job} here, starting it again after a failure up to {@code attempts} times in all,
   * unless it exited with mnistlab's usage status, which no retry can change, or was stopped, or
   * the children are being stopped.
   *
   * @param children holds each child while it runs, so that the caller can stop it
   * @throws InterruptedException when interrupted while the child runs; the child is then stopped
   *     with SIGTERM first, so it keeps its last checkpoint
   */
  public JobOutcome run(Job job, int attempts, JobExecutor.Listener listener, Children children)
      throws InterruptedException {
    long start = System.nanoTime();
    int exit = -1;
    int attempt = 0;
    while (attempt < attempts && !done(exit) && !children.stopping()) {
      attempt++;
      listener.started(job, attempt);
      exit = runOnce(job, attempt, children);
    }
    JobOutcome outcome =
        new JobOutcome(job, exit, attempt, (System.nanoTime() - start) / 1e9, hostName());
    listener.ended(outcome);
    return outcome;
  }

  private int runOnce(Job job, int attempt, Children children) throws InterruptedException {
    Set<Process> running = children.running;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classPath, mainClass));
    command.addAll(job.arguments());
    Path log = Path.of(job.log());
    Process process;
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      // A retry's output follows the failed attempt's, so the log tells the whole story.
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.redirectOutput(
          attempt == 1
              ? ProcessBuilder.Redirect.to(log.toFile())
              : ProcessBuilder.Redirect.appendTo(log.toFile()));
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start job " + job.name(), e);
    }
    running.add(process);
    if (children.stopping()) {
      // stopAll() ran between the check and the start: this child is stopped like the others.
      stop(process);
    }
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      stop(process);
      throw e;
    } finally {
      running.remove(process);
    }
  }

  /** SIGTERM: the child saves what it has and exits; this waits for it. */
  static void stop(Process process) {
    process.destroy();
    waitFor(process);
  }

  private static void waitFor(Process process) {
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
