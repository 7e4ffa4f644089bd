package dev.mnistlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.ChildProcess;
import dev.mnistlab.engine.ConvCase;
import dev.mnistlab.engine.Convolutions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code doctor} shows the self-check's figures and verdict, and fails where nothing is right. */
@Tag("integration")
class DoctorCommandTest {
  @TempDir Path tmp;

  @Test
  void printsTheMachineTheEngineEveryFigureAndTheBackendInUse() {
    Cli.Outcome o = Cli.run(tmp, Map.of(), "doctor");
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out())
        .contains("machine:  ")
        .contains("engine:   PyTorch 2.7.1 through DJL 0.35.1")
        .contains("onednn  onednn-forward          native")
        .contains("verdict:  " + Convolutions.current().describe());
    for (ConvCase c : ConvCase.ALL) {
      assertThat(o.out())
          .contains(c.name() + " forward")
          .contains(c.name() + " backward data")
          .contains(c.name() + " backward weights");
    }
  }

  @Test
  void exitsOneWhenTheBackendAskedForIsWrong() throws Exception {
    ChildProcess.Outcome o =
        ChildProcess.run(
            tmp,
            "doctor",
            Map.of("MNISTLAB_CONV_BACKEND", "onednn"),
            List.of("-Dmnistlab.engine.simulate=backward-data"),
            Main.class,
            "doctor");
    assertThat(o.exitCode()).isEqualTo(Main.FAILED);
    assertThat(o.out())
        .contains(
            "verdict:  the backend MNISTLAB_CONV_BACKEND asks for (onednn) is wrong or unavailable on this machine")
        .anySatisfy(
            // On a CPU where the kernel is really wrong, more values than the simulated one.
            line ->
                assertThat(line)
                    .matches("onednn +WRONG: 3x3 backward data: \\d+ NaN or infinite values .*"));
    assertThat(o.err().strip())
        .startsWith("mnistlab: the engine computes convolutions wrongly on this CPU with onednn (")
        .doesNotContain("\n");
  }
}
