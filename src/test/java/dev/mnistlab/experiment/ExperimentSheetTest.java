package dev.mnistlab.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.SyntheticData;
import dev.mnistlab.text.Plain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code experiment show}: every resolved setting, in words and plain numbers, short lines. */
class ExperimentSheetTest {
  @TempDir Path tmp;

  @Test
  void plainNumbersCountsAndLists() {
    assertThat(Plain.number(1e-4)).isEqualTo("0.0001");
    assertThat(Plain.number(0.85)).isEqualTo("0.85");
    assertThat(Plain.number(15.0)).isEqualTo("15");
    assertThat(Plain.rounded(0.1 / 25 / 1e4)).isEqualTo("0.0000004");
    assertThat(Plain.percent(0.3)).isEqualTo("30%");
    assertThat(Plain.count(1, "epoch")).isEqualTo("1 epoch");
    assertThat(Plain.count(60000, "image")).isEqualTo("60,000 images");
    assertThat(Plain.list(List.of(5, 10))).isEqualTo("5, 10");
  }

  @Test
  void showsEveryStepsResolvedSettingsWithoutJavaNotation() throws Exception {
    Path model = Files.writeString(tmp.resolve("tiny.yaml"), SyntheticData.TINY_MODEL);
    Experiment e =
        ExperimentParser.parse(
            "name: sheet\ntitle: A sheet\nsource: a test\ndescription: "
                + "word ".repeat(60)
                + "\nsteps:\n"
                + "  - name: 1 First\n    target: a target\n    model: "
                + model
                + "\n    config: {epochs: 1, limit: 3000, optimizer: {type: adam, lr: 1.0e-4},"
                + " schedule: {type: multistep, milestones: [5, 10], gamma: 0.1},"
                + " augment: {rotation: 7, cutout_holes: 1, cutout_size: 8},"
                + " label_smoothing: 0.1, ema_decay: 0.999, seed: 3}\n"
                + "    reported: {params: 1234, best_test: 99.3}\n"
                + "  - name: 2 Second\n    config: {schedule: {type: onecycle, max_lr: 0.1}, ema_decay: 0, label_smoothing: 0}\n",
            "sheet.yaml",
            tmp);
    Path out = tmp.resolve("out");
    String sheet =
        ExperimentSheet.show(e, c -> 1234, Map.of(out, new ExperimentDirectory(out).status(e)));

    assertThat(sheet)
        .contains("sheet: A sheet")
        .contains("step 1: 1 First")
        .contains("model           " + model + " · 1,234 trainable parameters")
        .contains("data            mnist, the first 3,000 training images")
        .contains("training        1 epoch · batch 128 · seed 3")
        .contains("optimizer       Adam · lr 0.0001 · beta1 0.9 · weight decay 0.0001")
        .contains("schedule        MultiStepLR · peak 0.0001, times 0.1 at epochs 5, 10")
        .contains("augmentation    rotation ±7° · cutout 1 hole of 8×8 px")
        .contains("label smoothing 0.1")
        .contains("ema_decay       0.999")
        .contains("reported        1,234 parameters · best test 99.30%")
        .contains("runs            " + out + ": not run")
        .contains(
            "schedule        OneCycle · peak 0.1 after 20% of the steps · from 0.004 down to"
                + " 0.0000004 (cos)");
    assertThat(sheet).doesNotContain("[").doesNotContain("E-").doesNotContain("1 epochs");
    assertThat(sheet.lines()).allMatch(line -> line.length() <= ExperimentSheet.WIDTH);
    // A step without ema_decay or label smoothing (unset again) does not mention them.
    assertThat(sheet.substring(sheet.indexOf("step 2")))
        .doesNotContain("ema_decay")
        .doesNotContain("smoothing");
  }
}
