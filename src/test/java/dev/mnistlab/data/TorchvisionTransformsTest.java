package dev.mnistlab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.data.Augmentation.Interpolation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The torchvision transforms against torchvision: {@code torchvision-transforms.txt} holds what
 * Debian's torchvision 0.14 (PIL 9.4, torch 1.13) printed for fixed parameters, written by {@code
 * torchvision_transforms.py} next to it.
 */
class TorchvisionTransformsTest {
  private static final int SIDE = 28;

  /** One fixture line: the call, its parameters, torchvision's 784 output values. */
  private record Call(String name, double[] p, float[] expected) {}

  @Test
  void affineOnAPilImageGivesTorchvisionsPixelsExactly() throws IOException {
    for (Call c : calls("affine")) {
      Transform.Affine affine =
          new Transform.Affine(0, 0, List.of(), 0, c.p()[5], Interpolation.NEAREST);
      float[] ours =
          affine.transform(pattern(), SIDE, SIDE, c.p()[0], c.p()[1], c.p()[2], c.p()[3], c.p()[4]);
      assertThat(ours).as("affine %s", Arrays.toString(c.p())).containsExactly(c.expected());
    }
  }

  @Test
  void rotationOnAPilImageGivesTorchvisionsPixelsExactly() throws IOException {
    for (Call c : calls("rotate")) {
      Transform.Rotation rotation = new Transform.Rotation(15, c.p()[1], null);
      assertThat(rotation.rotate(pattern(), SIDE, SIDE, c.p()[0]))
          .as("rotate %s", Arrays.toString(c.p()))
          .containsExactly(c.expected());
    }
  }

  @Test
  void brightnessAndContrastOnAGreyPilImageGiveTorchvisionsPixelsExactly() throws IOException {
    for (Call c : calls("jitter")) {
      float[] ours = Transform.ColorJitter.jitter(pattern(), c.p()[0], c.p()[1], c.p()[2] == 1);
      assertThat(ours).as("jitter %s", Arrays.toString(c.p())).containsExactly(c.expected());
    }
  }

  @Test
  void resizedCropOfATensorIsTorchvisionsUpToSinglePrecision() throws IOException {
    for (Call c : calls("resized_crop")) {
      int[] box = Arrays.stream(c.p()).mapToInt(v -> (int) v).toArray();
      float[] ours =
          Transform.ResizedCrop.crop(pattern(), SIDE, SIDE, box[0], box[1], box[2], box[3]);
      for (int i = 0; i < ours.length; i++) {
        assertThat(ours[i])
            .as("crop %s pixel %d", Arrays.toString(box), i)
            .isCloseTo(c.expected()[i], org.assertj.core.data.Offset.offset(1e-3f));
      }
    }
  }

  @Test
  void randomDrawsStayInTorchvisionsRanges() {
    SplittableRandom rng = new SplittableRandom(3);
    float[] img = pattern();
    Transform.Erasing always = new Transform.Erasing(1, null, null, 33.33);
    int erasedSomewhere = 0;
    for (int k = 0; k < 200; k++) {
      float[] out = always.apply(img, SIDE, SIDE, rng);
      long erased = 0;
      for (int i = 0; i < out.length; i++) {
        if (out[i] != img[i]) {
          erased++;
          assertThat(out[i]).isEqualTo(33.33f);
        }
      }
      // At most a third of the area (scale's upper bound, plus rounding of the sides).
      assertThat(erased).isLessThanOrEqualTo(SIDE * SIDE / 3 + 2 * SIDE);
      erasedSomewhere += erased > 0 ? 1 : 0;
    }
    assertThat(erasedSomewhere).isGreaterThan(190);
    Transform.Erasing never = new Transform.Erasing(0, null, null, 0);
    assertThat(never.apply(img, SIDE, SIDE, rng)).isSameAs(img);
    // Saturation and hue leave a grey image as it is: jitter without brightness or contrast.
    assertThat(new Transform.ColorJitter(0, 0, 0.4, 0.1).apply(img, SIDE, SIDE, rng))
        .containsExactly(img);
  }

  @Test
  void anAugmentationAppliesItsListInOrderAndRepeatsForASeed() {
    byte[] digit = new byte[SIDE * SIDE];
    float[] source = pattern();
    for (int i = 0; i < digit.length; i++) {
      digit[i] = (byte) source[i];
    }
    Augmentation a =
        Augmentation.of(
            List.of(
                new Transform.Rotation(15, 0, null),
                new Transform.Erasing(1, List.of(0.1, 0.2), null, 33.33)));
    float[] first = new float[digit.length];
    float[] again = new float[digit.length];
    a.apply(digit, 0, SIDE, SIDE, first, 0, new SplittableRandom(5));
    a.apply(digit, 0, SIDE, SIDE, again, 0, new SplittableRandom(5));
    assertThat(again).containsExactly(first);
    // Erasing runs last, so its box is an upright rectangle of the value, not rotated.
    int top = SIDE;
    int bottom = -1;
    int left = SIDE;
    int right = -1;
    int erased = 0;
    for (int i = 0; i < first.length; i++) {
      if (first[i] == 33.33f) {
        erased++;
        top = Math.min(top, i / SIDE);
        bottom = Math.max(bottom, i / SIDE);
        left = Math.min(left, i % SIDE);
        right = Math.max(right, i % SIDE);
      }
    }
    assertThat(erased).isPositive().isEqualTo((bottom - top + 1) * (right - left + 1));
  }

  @Test
  void aTransformListParsesFromYamlAndRefusesMixingWithOwnFields() throws Exception {
    var yaml =
        new com.fasterxml.jackson.databind.ObjectMapper(
            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    Augmentation a =
        yaml.readValue(
            "transforms:\n"
                + "  - rotation: {degrees: 6, fill: 1}\n"
                + "  - affine: {degrees: 7, translate: 0.1, scale: [0.8, 1.2], shear: 10}\n"
                + "  - color_jitter: {brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1}\n",
            Augmentation.class);
    assertThat(a.validate().transforms())
        .containsExactly(
            new Transform.Rotation(6, 1, Interpolation.NEAREST),
            new Transform.Affine(7, 0.1, List.of(0.8, 1.2), 10, 0, Interpolation.NEAREST),
            new Transform.ColorJitter(0.4, 0.4, 0.4, 0.1));
    assertThat(a.isIdentity()).isFalse();
    assertThat(yaml.readValue(yaml.writeValueAsString(a), Augmentation.class)).isEqualTo(a);
    Augmentation both = a.withRotation(4);
    assertThatThrownBy(both::validate).hasMessageContaining("not both");
    Augmentation badScale =
        Augmentation.of(List.of(new Transform.Affine(7, 0.1, List.of(1.2, 0.8), 0, 0, null)));
    assertThatThrownBy(badScale::validate)
        .hasMessageContaining("affine scale")
        .hasMessageContaining("[1.2, 0.8]");
  }

  private static List<Call> calls(String name) throws IOException {
    List<Call> calls = new ArrayList<>();
    try (InputStream in =
        TorchvisionTransformsTest.class.getResourceAsStream("torchvision-transforms.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith(name + " ")) {
          String[] halves = line.substring(name.length() + 1).split(" \\| ");
          double[] p =
              Arrays.stream(halves[0].trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
          String[] values = halves[1].trim().split(" ");
          float[] expected = new float[values.length];
          for (int i = 0; i < values.length; i++) {
            expected[i] = Float.parseFloat(values[i]);
          }
          calls.add(new Call(name, p, expected));
        }
      }
    }
    assertThat(calls).as(name + " lines in the fixture").isNotEmpty();
    return calls;
  }

  /** The pattern torchvision_transforms.py transforms, torchvision_rotate.py's. */
  private static float[] pattern() {
    return TorchvisionRotationTest.pattern();
  }
}
