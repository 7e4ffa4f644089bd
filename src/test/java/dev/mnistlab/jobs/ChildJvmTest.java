package dev.mnistlab.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {
  @TempDir Path tmp;

  /** A main class for the children: exits with the status its first argument names. */
  public static final class Exit {
    public static void main(String[] args) {
      System.exit(Integer.parseInt(args[0]));
    }
  }

  private JobOutcome run(String status, JobExecutor.Listener listener, ChildJvm.Children children)
      throws InterruptedException {
    Job job = Job.of("exit " + status, List.of(status), tmp.resolve("run"), tmp.resolve("log"));
    return ChildJvm.likeThisProcess(Exit.class.getName(), List.of())
        .run(job, 3, listener, children);
  }

  @Test
  void aFailedJobIsStartedAgainButAUsageErrorIsNot() throws Exception {
    List<Integer> attempts = new ArrayList<>();
    JobExecutor.Listener listener =
        new JobExecutor.Listener() {
          @Override
          public void started(Job job, int attempt) {
            attempts.add(attempt);
          }
        };
    assertThat(run("1", listener, new ChildJvm.Children()).attempts()).isEqualTo(3);
    assertThat(run("2", listener, new ChildJvm.Children()).attempts()).isEqualTo(1);
    assertThat(run("0", listener, new ChildJvm.Children()).succeeded()).isTrue();
    // Stopped by SIGTERM (a Ctrl-C gives 130): asked to stop, so not started again.
    assertThat(run("143", listener, new ChildJvm.Children()).attempts()).isEqualTo(1);
    // Killed otherwise (SIGKILL): started again, to continue from its checkpoint.
    assertThat(run("137", listener, new ChildJvm.Children()).attempts()).isEqualTo(3);
    assertThat(attempts).containsExactly(1, 2, 3, 1, 1, 1, 1, 2, 3);
  }

  @Test
  void onceStoppingNoChildStartsAgain() throws Exception {
    // Found when a search was stopped: the stopped child's exit counted as a failure and was
    // retried, leaving an orphan that trained on.
    ChildJvm.Children children = new ChildJvm.Children();
    children.stopAll();
    JobOutcome outcome = run("1", new JobExecutor.Listener() {}, children);
    assertThat(outcome.attempts()).isZero();
    assertThat(outcome.succeeded()).isFalse();
  }
}
