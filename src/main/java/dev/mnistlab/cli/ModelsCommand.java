package dev.mnistlab.cli;

import dev.mnistlab.engine.Engines;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.model.ParameterCount;
import dev.mnistlab.text.Plain;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mnistlab models}: the zoo with trainable parameter counts. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {
      "List the model zoo, grouped by the project each model comes from: name, trainable",
      "parameters and the first sentence of its description ('mnistlab summary MODEL' tells",
      "the rest)."
    })
public class ModelsCommand implements Callable<Integer> {
  /** "Seed 000 (MNIST-CNN)": how a seed project's entries begin their descriptions. */
  private static final Pattern SOURCE = Pattern.compile("^(Seed \\d+ \\([^)]*\\))[ ,:]*");

  private final Environment environment;

  @Mixin LoggingMixin logging;

  public ModelsCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    Engines.start(1);
    Map<String, List<ModelSpec>> groups = new LinkedHashMap<>();
    for (ModelSpec spec : ModelZoo.entries()) {
      String group =
          spec.name().contains("/") ? spec.name().substring(0, spec.name().indexOf('/')) : "";
      groups.computeIfAbsent(group, g -> new java.util.ArrayList<>()).add(spec);
    }
    int nameWidth = ModelZoo.entries().stream().mapToInt(s -> s.name().length()).max().orElse(0);
    String row = "  %-" + nameWidth + "s  %9s  %s";
    int textColumn = String.format(Locale.ROOT, row, "", "", "").length();
    PrintStream out = environment.out();
    out.printf(
        Locale.ROOT, "%-" + (nameWidth + 2) + "s  %9s  %s%n", "model", "trainable", "description");
    for (Map.Entry<String, List<ModelSpec>> group : groups.entrySet()) {
      List<ModelSpec> specs = group.getValue();
      Matcher source = SOURCE.matcher(specs.get(0).description());
      String from = source.find() ? ": " + source.group(1) : "";
      out.printf(
          Locale.ROOT,
          "%n%s%s, %s%n",
          group.getKey().isEmpty() ? "other" : group.getKey() + "/",
          from,
          Plain.count(specs.size(), "model"));
      for (ModelSpec spec : specs) {
        String description = SOURCE.matcher(spec.description()).replaceFirst("");
        String line =
            String.format(
                Locale.ROOT,
                row,
                spec.name(),
                String.format(Locale.ROOT, "%,d", ParameterCount.of(spec).trainable()),
                HelpLayout.firstSentence(description));
        out.println(HelpLayout.wrapAt(line, textColumn));
      }
    }
    return Main.OK;
  }
}
