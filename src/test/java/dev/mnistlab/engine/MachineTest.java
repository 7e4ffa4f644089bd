package dev.mnistlab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MachineTest {
  @Test
  void namesTheFirstProcessorItsFamilyAndWidestVectors() {
    List<String> cpuinfo =
        List.of(
            "processor\t: 0",
            "vendor_id\t: AuthenticAMD",
            "cpu family\t: 25",
            "model\t\t: 17",
            "model name\t: AMD EPYC",
            "flags\t\t: fpu sse2 avx avx2 avx512f avx512bw",
            "",
            "processor\t: 1",
            "model name\t: Another CPU",
            "flags\t\t: fpu");
    assertThat(Machine.describe(cpuinfo, 2, "Linux amd64"))
        .isEqualTo("AMD EPYC (family 25 model 17, avx512), 2 cores, Linux amd64");
  }

  @Test
  void withoutAvx512TheWidestIsAvx2() {
    List<String> cpuinfo =
        List.of("cpu family : 6", "model : 85", "model name : Xeon", "flags : sse4_2 avx avx2");
    assertThat(Machine.describe(cpuinfo, 4, "Linux amd64"))
        .isEqualTo("Xeon (family 6 model 85, avx2), 4 cores, Linux amd64");
  }

  @Test
  void withoutCpuinfoOnlyCoresAndSystem() {
    assertThat(Machine.describe(List.of(), 8, "Mac OS X aarch64"))
        .isEqualTo("unknown CPU, 8 cores, Mac OS X aarch64");
  }

  @Test
  void describesThisComputer() {
    assertThat(Machine.describe()).contains(Runtime.getRuntime().availableProcessors() + " cores");
  }
}
