package dev.mnistlab.jobs;

import dev.mnistlab.text.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs jobs as child JVMs on this machine, {@code parallel} at a time: the same Java, class path
 * and main class as this process. Each child's output goes to its job's log. If this process is
 * stopped (SIGINT, SIGTERM), its children are stopped too, and each keeps its last checkpoint.
 */
public final class LocalProcesses implements JobExecutor {
  private final ChildJvm child;
  private final int parallel;
  private final int attempts;

  /**
   * @param mainClass the class whose {@code main} takes a mnistlab command line
   * @param parallel how many children run at once (at least 1)
   * @param attempts how many times a failing job is started (at least 1)
   * @param jvmOptions options for each child JVM ({@code -Xmx2g})
   */
  public LocalProcesses(Class<?> mainClass, int parallel, int attempts, List<String> jvmOptions) {
    if (parallel < 1) {
      throw new UsageException("jobs must be at least 1, got " + parallel);
    }
    if (attempts < 1) {
      throw new UsageException("attempts must be at least 1, got " + attempts);
    }
    this.child = ChildJvm.likeThisProcess(mainClass.getName(), jvmOptions);
    this.parallel = parallel;
    this.attempts = attempts;
  }

  @Override
  public String describe() {
    return parallel + (parallel == 1 ? " process" : " processes") + " at a time on this machine";
  }

  @Override
  public List<JobOutcome> runAll(List<Job> jobs, Listener listener) {
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    // The children of this call: stopped when this process is, or when a job's thread fails.
    ChildJvm.Children children = new ChildJvm.Children();
    Thread stopChildren = new Thread(children::stopAll, "mnistlab-stop-jobs");
    Runtime.getRuntime().addShutdownHook(stopChildren);
    try {
      List<Future<JobOutcome>> futures = new ArrayList<>();
      for (Job job : jobs) {
        futures.add(pool.submit(() -> child.run(job, attempts, listener, children)));
      }
      List<JobOutcome> outcomes = new ArrayList<>();
      for (Future<JobOutcome> future : futures) {
        outcomes.add(future.get());
      }
      return outcomes;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the jobs", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
      children.stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(stopChildren);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or has run: the children are being stopped.
      }
    }
  }
}
