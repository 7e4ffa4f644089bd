package dev.mnistlab.jobs;

import dev.mnistlab.text.UsageException;
import java.lang.reflect.InvocationTargetException;
import java.util.List;

/**
 * Makes the executors. Spark's lives in the optional {@code mnistlab-spark} jar ({@code mvn -Pspark
 * package} builds it and its libraries into {@code target/spark/}; the launcher puts them on the
 * class path when it finds them), so the core jar neither carries nor needs Spark.
 */
public final class JobExecutors {
  /** The Spark executor's class, found at run time. */
  public static final String SPARK_EXECUTOR = "dev.mnistlab.spark.SparkJobs";

  /** Options of every child JVM: no network, and the engine offline. */
  public static final List<String> CHILD_JVM_OPTIONS = List.of("-Dai.djl.offline=true");

  private JobExecutors() {}

  /**
   * {@code parallel} child JVMs at a time on this machine.
   *
   * @throws IllegalArgumentException when {@code parallel} is below 1 ({@link LocalProcesses}
   *     checks it)
   */
  public static JobExecutor local(int parallel, Class<?> mainClass, int attempts) {
    return new LocalProcesses(mainClass, parallel, attempts, CHILD_JVM_OPTIONS);
  }

  /**
   * Tasks of a Spark application on {@code master} ({@code local[N]}, {@code spark://HOST:PORT}),
   * each starting a child JVM where it runs.
   *
   * @throws IllegalArgumentException when the master is malformed or Spark is not on the class path
   */
  public static JobExecutor spark(String master, Class<?> mainClass, int attempts) {
    if (!master.matches("local(\\[(\\*|[1-9][0-9]{0,3})])?|(spark|yarn|k8s)(://.+)?")) {
      throw new UsageException(
          "--spark: '" + master + "' is not a Spark master (local[N], spark://HOST:7077)");
    }
    Class<?> executor;
    try {
      Class.forName("org.apache.spark.api.java.JavaSparkContext");
      executor = Class.forName(SPARK_EXECUTOR);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new UsageException(
          "--spark: the Spark libraries are not installed; build them with `mvn -Pspark package`"
              + " (docs/guide.md, \"Searching on a Spark cluster\")");
    }
    try {
      return (JobExecutor)
          executor
              .getConstructor(String.class, String.class, int.class, List.class)
              .newInstance(master, mainClass.getName(), attempts, CHILD_JVM_OPTIONS);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(SPARK_EXECUTOR + " cannot be made", e);
    }
  }
}
