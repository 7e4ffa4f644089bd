package dev.mnistlab.spark;

import dev.mnistlab.jobs.ChildJvm;
import dev.mnistlab.jobs.Job;
import dev.mnistlab.jobs.JobExecutor;
import dev.mnistlab.jobs.JobOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

/**
 * Runs jobs as tasks of an Apache Spark application: each job is a one-task Spark job whose task
 * starts the job's JVM where it runs (a child, as {@link dev.mnistlab.jobs.LocalProcesses} starts
 * one, since the engine's seed and threads are per process). All jobs are submitted at once, so
 * Spark runs as many as it has task slots. A failed job is started again inside its task (up to the
 * attempts given); a task lost with its executor is started again by Spark ({@code
 * spark.task.maxFailures}, and {@code local[N,F]} in local mode).
 *
 * <p>Made by {@link dev.mnistlab.jobs.JobExecutors#spark} through reflection, so the core jar does
 * not depend on Spark; built by {@code mvn -Pspark package}.
 */
public final class SparkJobs implements JobExecutor {
  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)])?");

  private final String master;
  private final ChildJvm child;
  private final int attempts;

  /**
   * @param master Spark's master URL ({@code local[2]}, {@code spark://host:7077})
   * @param mainClass the class whose {@code main} takes a mnistlab command line
   * @param attempts how many times a failing job is started
   * @param jvmOptions options for each job's JVM
   */
  public SparkJobs(String master, String mainClass, int attempts, List<String> jvmOptions) {
    this.master = master;
    this.child = ChildJvm.likeThisProcess(mainClass, jvmOptions);
    this.attempts = attempts;
  }

  @Override
  public String describe() {
    return "Spark tasks on " + master;
  }

  @Override
  public List<JobOutcome> runAll(List<Job> jobs, Listener listener) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    SparkConf conf =
        new SparkConf()
            .setAppName("mnistlab")
            .setMaster(withRetries(master, attempts))
            .set("spark.ui.enabled", "false")
            .set("spark.task.maxFailures", Integer.toString(attempts));
    if (!LOCAL.matcher(master).matches()) {
      // Executors elsewhere load this class and the jobs' classes from mnistlab's jar, shipped.
      conf.setJars(JavaSparkContext.jarOfClass(SparkJobs.class));
    }
    try (JavaSparkContext spark = new JavaSparkContext(conf)) {
      spark.setLogLevel("WARN");
      // Cancelling (this process stopped) interrupts the tasks, which stop their children.
      spark.setJobGroup("mnistlab", "mnistlab jobs", true);
      List<JavaFutureAction<List<JobOutcome>>> futures = new ArrayList<>();
      for (Job job : jobs) {
        listener.started(job, 1);
        futures.add(
            spark.parallelize(List.of(job), 1).map(new RunJob(child, attempts)).collectAsync());
      }
      JobOutcome[] outcomes = new JobOutcome[jobs.size()];
      int open = jobs.size();
      // Report each job as it ends, not in the order given.
      while (open > 0) {
        for (int i = 0; i < futures.size(); i++) {
          if (outcomes[i] == null && futures.get(i).isDone()) {
            outcomes[i] = outcome(jobs.get(i), futures.get(i));
            listener.ended(outcomes[i]);
            open--;
          }
        }
        if (open > 0) {
          Thread.sleep(200);
        }
      }
      return List.of(outcomes);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Spark jobs", e);
    }
  }

  /** A task that failed in Spark itself (not its job) counts as a failed job, exit -1. */
  private static JobOutcome outcome(Job job, JavaFutureAction<List<JobOutcome>> future)
      throws InterruptedException {
    try {
      return future.get().get(0);
    } catch (ExecutionException e) {
      return new JobOutcome(job, -1, 0, 0, "spark: " + e.getCause());
    }
  }

  /** {@code local[N]} becomes {@code local[N,F]}: local mode retries a task only when told. */
  static String withRetries(String master, int attempts) {
    Matcher m = LOCAL.matcher(master);
    if (!m.matches()) {
      return master;
    }
    String threads = m.group(1) == null ? "1" : m.group(1);
    return "local[" + threads + "," + attempts + "]";
  }

  /**
   * The children started in this JVM (an executor, or the driver in local mode), stopped with it: a
   * task killed with its JVM leaves no child training on.
   */
  private static final class Children {
    static final ChildJvm.Children ALL = new ChildJvm.Children();

    static {
      Runtime.getRuntime().addShutdownHook(new Thread(ALL::stopAll, "mnistlab-stop-spark-jobs"));
    }

    private Children() {}
  }

  /** The task: runs one job's attempts where Spark placed it. */
  private record RunJob(ChildJvm child, int attempts) implements Function<Job, JobOutcome> {
    private static final long serialVersionUID = 1L;

    @Override
    public JobOutcome call(Job job) throws InterruptedException {
      return child.run(job, attempts, new Listener() {}, Children.ALL);
    }
  }
}
