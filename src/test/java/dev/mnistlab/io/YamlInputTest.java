package dev.mnistlab.io;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.config.TrainConfigs;
import dev.mnistlab.experiment.ExperimentParser;
import dev.mnistlab.model.ModelSpecParser;
import dev.mnistlab.model.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every YAML mnistlab reads is bounded and has no key twice; the three readers say so alike. */
class YamlInputTest {
  @TempDir Path tmp;

  @Test
  void aKeyGivenTwiceIsRefusedNamingBothLines() throws Exception {
    Path config =
        Files.writeString(
            tmp.resolve("c.yaml"),
            "epochs: 3\noptimizer:\n  lr: 0.1\n  momentum: 0.9\n  lr: 0.01\n");
    assertThatThrownBy(() -> TrainConfigs.load(config))
        .hasMessage(config + ":5: key 'lr' is given twice in one map, on lines 3 and 5; keep one");
    assertThatThrownBy(
            () ->
                ModelSpecParser.parse(
                    "name: a\ninput: [1, 28, 28]\nname: b\nlayers:\n  - gap\n", "m.yaml"))
        .isInstanceOf(SpecException.class)
        .hasMessage("m.yaml:3: key 'name' is given twice in one map, on lines 1 and 3; keep one");
    assertThatThrownBy(
            () ->
                ExperimentParser.parse(
                    "name: e\nsteps:\n  - name: a\n    model: m\n    name: b\n", "e.yaml", null))
        .hasMessage("e.yaml:5: key 'name' is given twice in one map, on lines 3 and 5; keep one");
    // The same key in two different maps is not a repetition.
    YamlInput.check("a: {x: 1}\nb: {x: 2}\nc: [{x: 1}, {x: 2}]\n");
  }

  @Test
  void sizeAndDepthAreBoundedBeforeParsing() throws Exception {
    Path big = tmp.resolve("big.yaml");
    Files.write(big, new byte[YamlInput.MAX_BYTES + 1]);
    assertThatThrownBy(() -> TrainConfigs.load(big))
        .hasMessage(
            big + ": too large for a YAML file mnistlab reads: 1048577 bytes, more than 1024 KiB");
    assertThatThrownBy(() -> ModelSpecParser.parseFile(big))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("too large");
    String deep = "a: " + "[".repeat(40) + "]".repeat(40) + "\n";
    assertThatThrownBy(() -> YamlInput.check(deep))
        .isInstanceOf(YamlInput.Problem.class)
        .hasMessage("nested deeper than 32 levels");
    // A source that never ends is read no further than the bound.
    assertThatThrownBy(() -> YamlInput.read(Path.of("/dev/zero")))
        .hasMessageContaining("more than 1024 KiB");
  }

  @Test
  void aRepeatBombIsRefusedBeforeItExpands() {
    String bomb =
        "name: bomb\nlayers:\n  - repeat:\n      times: 100000\n      layers:\n"
            + "        - repeat: {times: 100000, layers: [relu]}\n";
    // Refused by arithmetic on the inner repeat, before anything is expanded.
    assertThatThrownBy(() -> ModelSpecParser.parse(bomb, "bomb.yaml"))
        .isInstanceOf(SpecException.class)
        .hasMessage(
            "bomb.yaml:6: repeat's 100000 times expand to 100000 layers, more than the 1000 a"
                + " spec may have");
    // Block references count too.
    StringBuilder many = new StringBuilder("name: m\nblocks:\n  b: [relu, relu, relu, relu]\n");
    many.append("layers:\n");
    for (int i = 0; i < 300; i++) {
      many.append("  - block: b\n");
    }
    assertThatThrownBy(() -> ModelSpecParser.parse(many.toString(), "m.yaml"))
        .hasMessageContaining("layers expand to 1004 layers, more than the 1000");
    assertThatThrownBy(
            () ->
                ModelSpecParser.parse(
                    "name: r\nlayers:\n  - repeat: {times: 10000000000, layers: [relu]}\n", "r"))
        .hasMessageContaining("repeat times 10000000000 must be an integer of at least 1");
  }
}
