package dev.mnistlab.search;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mnistlab.io.YamlInput;
import dev.mnistlab.text.Reasons;
import dev.mnistlab.text.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The architectures {@code mnistlab search} may try: the choices for each part of a compact CNN of
 * two conv blocks around a max-pool (see the shipped {@code dev/mnistlab/search/space.yaml}, whose
 * comments describe a candidate). A file gives any subset of the fields; the others keep the
 * shipped values.
 *
 * @param block1Convs how many 3×3 convs run before the pool (where pooling sits)
 * @param block1Widths the channel widths block 1's convs choose from
 * @param firstKernels kernel sizes for the first conv
 * @param dilations dilations for block 1's last conv
 * @param transitionWidths widths of the 1×1 conv after the pool (0: none)
 * @param block2Convs how many 3×3 convs run after the pool
 * @param block2Widths the channel widths block 2's convs choose from
 * @param lastWidths widths of block 2's last conv, which (unlike the others) may be narrower than
 *     the convs before it, as the GAP head needs fewer channels than the block's middle; 0 draws it
 *     from {@code block2Widths} with the others
 * @param lastPadding padding of block 2's last conv
 * @param squeezeExcite reductions of a squeeze-excite gate after block 2 (0: none)
 * @param heads {@code gap-conv} or {@code conv-gap}
 * @param dropout dropout after each conv of the blocks (0: none)
 * @param separable whether the 3×3 convs after the first are depthwise-separable pairs (a depthwise
 *     3×3 conv, then a 1×1 conv to the width), which cost a fraction of a full conv's parameters
 * @param linearDepthwise whether a separable pair's depthwise conv is linear (no BatchNorm or ReLU
 *     between it and the 1×1 conv, as in Xception); drawn for separable candidates only
 * @param minParamsFraction the smallest share of the budget a candidate may use
 */
public record SearchSpace(
    @JsonProperty("block1_convs") List<Integer> block1Convs,
    @JsonProperty("block1_widths") List<Integer> block1Widths,
    @JsonProperty("first_kernels") List<Integer> firstKernels,
    List<Integer> dilations,
    @JsonProperty("transition_widths") List<Integer> transitionWidths,
    @JsonProperty("block2_convs") List<Integer> block2Convs,
    @JsonProperty("block2_widths") List<Integer> block2Widths,
    @JsonProperty("last_widths") List<Integer> lastWidths,
    @JsonProperty("last_padding") List<Integer> lastPadding,
    @JsonProperty("squeeze_excite") List<Integer> squeezeExcite,
    List<String> heads,
    List<Double> dropout,
    List<Boolean> separable,
    @JsonProperty("linear_depthwise") List<Boolean> linearDepthwise,
    @JsonProperty("min_params_fraction") double minParamsFraction) {

  /** The heads a candidate may end with. */
  public static final List<String> HEADS = List.of("gap-conv", "conv-gap");

  /** Bounds that keep every candidate a small network on 28×28 images. */
  static final int MAX_CONVS = 8;

  static final int MAX_WIDTH = 256;
  static final int MAX_KERNEL = 7;
  static final int MAX_DILATION = 4;

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

  private static final String SHIPPED = "/dev/mnistlab/search/space.yaml";

  /** Copies the lists and checks every choice. */
  public SearchSpace {
    block1Convs = choices("block1_convs", block1Convs, 1, MAX_CONVS);
    block1Widths = choices("block1_widths", block1Widths, 1, MAX_WIDTH);
    firstKernels = choices("first_kernels", firstKernels, 1, MAX_KERNEL);
    dilations = choices("dilations", dilations, 1, MAX_DILATION);
    transitionWidths = choices("transition_widths", transitionWidths, 0, MAX_WIDTH);
    block2Convs = choices("block2_convs", block2Convs, 1, MAX_CONVS);
    block2Widths = choices("block2_widths", block2Widths, 1, MAX_WIDTH);
    lastWidths = choices("last_widths", lastWidths, 0, MAX_WIDTH);
    lastPadding = choices("last_padding", lastPadding, 0, 2);
    squeezeExcite = choices("squeeze_excite", squeezeExcite, 0, MAX_WIDTH);
    if (heads == null || heads.isEmpty() || !HEADS.containsAll(heads)) {
      throw new UsageException(
          "heads must list some of " + String.join(", ", HEADS) + ", got " + heads);
    }
    heads = List.copyOf(heads);
    if (noChoice(dropout)) {
      throw new UsageException("dropout must list at least one rate");
    }
    for (double rate : dropout) {
      if (!(rate >= 0 && rate < 1)) {
        throw new UsageException("dropout rates must lie in [0, 1), got " + rate);
      }
    }
    dropout = List.copyOf(dropout);
    if (noChoice(separable)) {
      throw new UsageException("separable must list false, true or both");
    }
    separable = List.copyOf(separable);
    if (noChoice(linearDepthwise)) {
      throw new UsageException("linear_depthwise must list false, true or both");
    }
    linearDepthwise = List.copyOf(linearDepthwise);
    if (!(minParamsFraction >= 0 && minParamsFraction < 1)) {
      throw new UsageException("min_params_fraction must lie in [0, 1), got " + minParamsFraction);
    }
  }

  /**
   * Whether a list of choices is missing, empty or holds an empty entry ({@code ~}). Streamed, as
   * an immutable list's {@code contains(null)} throws instead of answering.
   */
  private static boolean noChoice(List<?> values) {
    return values == null || values.isEmpty() || values.stream().anyMatch(v -> v == null);
  }

  private static List<Integer> choices(String field, List<Integer> values, int min, int max) {
    if (noChoice(values)) {
      throw new UsageException(field + " must list at least one choice, and no empty one");
    }
    for (int v : values) {
      if (v < min || v > max) {
        throw new UsageException(field + " choices must lie in " + min + ".." + max + ", got " + v);
      }
    }
    return List.copyOf(values);
  }

  /** The space mnistlab ships. */
  public static SearchSpace shipped() {
    return parse(shippedText(), "the shipped search space", YAML.createObjectNode());
  }

  /** The text of the shipped space, comments included. */
  public static String shippedText() {
    try (InputStream in = SearchSpace.class.getResourceAsStream(SHIPPED)) {
      if (in == null) {
        throw new IllegalStateException(SHIPPED + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + SHIPPED, e);
    }
  }

  /**
   * The shipped space with the fields of {@code file} replaced.
   *
   * @throws IllegalArgumentException naming the file and the bad field or value
   */
  public static SearchSpace load(Path file) {
    try {
      return parse(YamlInput.read(file), file.toString());
    } catch (YamlInput.Problem e) {
      throw new UsageException(e.in(file));
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read search space (" + Reasons.of(e) + ")");
    }
  }

  /**
   * The shipped space with the fields of {@code text} replaced.
   *
   * @param origin names the text in messages
   */
  public static SearchSpace parse(String text, String origin) {
    try {
      return parse(text, origin, (ObjectNode) YAML.readTree(shippedText()));
    } catch (IOException e) {
      throw new IllegalStateException("the shipped search space does not parse", e);
    }
  }

  private static SearchSpace parse(String text, String origin, ObjectNode merged) {
    try {
      YamlInput.check(text);
      JsonNode given = YAML.readTree(text);
      if (given != null && !given.isNull() && !given.isMissingNode()) {
        if (!given.isObject()) {
          throw new UsageException(origin + ": a search space must be a map of fields");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          merged.set(field.getKey(), field.getValue());
        }
      }
      return YAML.treeToValue(merged, SearchSpace.class);
    } catch (YamlInput.Problem e) {
      throw new UsageException(e.in(origin));
    } catch (UnrecognizedPropertyException e) {
      throw new UsageException(
          origin
              + ": unknown field '"
              + e.getPropertyName()
              + "' (the shipped space, `mnistlab search --print-space`, lists them all)");
    } catch (MismatchedInputException e) {
      // A value of the wrong type (`linear_depthwise: [maybe]`): the field and value in words.
      throw new UsageException(
          origin + ": " + Reasons.wrongType(e, merged, Reasons.expected(e.getTargetType())));
    } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
      String why = e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage();
      throw new UsageException(origin + ": " + why);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UsageException(
          YamlInput.located(origin, Reasons.yamlLine(e), Reasons.yaml(e.getOriginalMessage())));
    }
  }
}
