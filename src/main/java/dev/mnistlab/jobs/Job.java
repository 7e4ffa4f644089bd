package dev.mnistlab.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * One independent piece of work: a mnistlab command line, run in a JVM of its own, whose result is
 * a run directory. Trainings are jobs because the engine's random seed and thread settings are
 * process-global: two trainings in one JVM would mix them.
 *
 * @param name names the job in progress lines and its log ({@code seed-3})
 * @param arguments the mnistlab command line ({@code train --config FILE --out DIR})
 * @param runDir where the job's run directory will be
 * @param log where the job's output goes
 */
public record Job(
    String name, List<String> arguments, @JsonProperty("run_dir") String runDir, String log)
    implements Serializable {

  /** A job; paths are kept as strings so that the job travels to other machines unchanged. */
  public Job {
    arguments = List.copyOf(arguments);
  }

  /** A job writing {@code runDir} and logging to {@code log}. */
  public static Job of(String name, List<String> arguments, Path runDir, Path log) {
    return new Job(name, arguments, runDir.toString(), log.toString());
  }
}
