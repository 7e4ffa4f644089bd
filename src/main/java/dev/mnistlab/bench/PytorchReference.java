package dev.mnistlab.bench;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.Augmentation;
import dev.mnistlab.data.Normalization;
import dev.mnistlab.model.LayerSpec;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.text.UsageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs {@code bench/pytorch_reference.py}: the same network (built from the spec's resolved
 * layers), recipe, data and thread count in PyTorch, in a separate process, and reads what it
 * measured.
 */
public final class PytorchReference {
  // A diverged replica reports NaN losses; read them as numbers.
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /** How the PyTorch side feeds its batches. */
  public enum Flavour {
    /** torchvision DataLoader over PIL images with per-sample transforms, as the seeds run. */
    SEED("seed", "PyTorch seed-style"),
    /** Tensors in memory, rotation batched. */
    TUNED("tuned", "PyTorch tuned");

    final String id;
    final String label;

    Flavour(String id, String label) {
      this.id = id;
      this.label = label;
    }
  }

  /** One epoch as the script reported it. */
  public record Epoch(
      int epoch, double trainSeconds, double imagesPerSecond, double testAcc, double wallSeconds) {}

  /** A finished reference run: the replica's trainable parameters and its epochs. */
  public record Run(long params, String torch, List<Epoch> epochs) {}

  private final Path python;
  private final Path script;
  private final Path trace; // null: no operator trace
  private final int tracedBatches;

  /**
   * @throws IllegalArgumentException naming the missing file and how to get it
   */
  public PytorchReference(Path python, Path script) {
    if (!Files.isExecutable(python)) {
      throw new UsageException(
          python
              + " not found: --against-pytorch needs Python 3 with Debian's python3-torch and"
              + " python3-torchvision (see bench/README.md), or name one with --python");
    }
    if (!Files.isRegularFile(script)) {
      throw new UsageException(
          script + " not found: run from the mnistlab checkout or name it with --pytorch-script");
    }
    this.python = python;
    this.script = script;
    this.trace = null;
    this.tracedBatches = 0;
  }

  private PytorchReference(PytorchReference base, Path trace, int tracedBatches) {
    this.python = base.python;
    this.script = base.script;
    this.trace = trace;
    this.tracedBatches = tracedBatches;
  }

  /**
   * This reference, recording the engine's operators over the first {@code batches} batches of
   * epoch 2 into {@code file} (Chrome trace format), for an operator-by-operator profile.
   */
  public PytorchReference tracing(Path file, int batches) {
    return new PytorchReference(this, file, batches);
  }

  /** Trains the replica and returns what it measured. */
  public Run run(
      ModelSpec spec,
      TrainConfig config,
      Normalization normalization,
      Path dataDir,
      Flavour flavour,
      int threads)
      throws IOException, InterruptedException {
    Path job = Files.createTempFile("mnistlab-pytorch-job-", ".json");
    try {
      ObjectNode settings = job(spec, config, normalization, dataDir, flavour, threads);
      if (trace != null) {
        settings.putObject("trace").put("file", trace.toString()).put("batches", tracedBatches);
      }
      Files.write(job, JSON.writeValueAsBytes(settings));
      Process process =
          new ProcessBuilder(python.toString(), script.toString(), job.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      long params = -1;
      String torch = "?";
      List<Epoch> epochs = new ArrayList<>();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          JsonNode node = JSON.readTree(line);
          if (node.has("params")) {
            params = node.get("params").asLong();
            torch = node.get("torch").asText();
          } else {
            epochs.add(
                new Epoch(
                    node.get("epoch").asInt(),
                    node.get("train_seconds").asDouble(),
                    node.get("images_per_second").asDouble(),
                    node.get("test_acc").asDouble(),
                    node.get("wall_seconds").asDouble()));
          }
        }
      }
      int exit = process.waitFor();
      if (exit != 0 || params < 0) {
        throw new IllegalStateException(
            String.format(Locale.ROOT, "%s %s failed (exit %d)", python, script, exit));
      }
      return new Run(params, torch, epochs);
    } finally {
      Files.deleteIfExists(job);
    }
  }

  private static ObjectNode job(
      ModelSpec spec,
      TrainConfig config,
      Normalization normalization,
      Path dataDir,
      Flavour flavour,
      int threads) {
    ObjectNode job = JSON.createObjectNode();
    ArrayNode layers = job.putArray("layers");
    for (LayerSpec layer : spec.layers()) {
      ObjectNode node = JSON.valueToTree(layer);
      node.put("type", layer.keyword());
      layers.add(node);
    }
    ModelSpec.Shape3 in = spec.inputShape();
    job.putArray("input").add(in.channels()).add(in.height()).add(in.width());
    job.put("data_dir", dataDir.toString());
    job.put("flavour", flavour.id);
    job.put("epochs", config.epochs());
    job.put("batch_size", config.batchSize());
    job.put("limit", config.limit());
    job.put("seed", config.seed());
    job.put("threads", threads);
    job.set("optimizer", JSON.valueToTree(config.optimizer()));
    job.set("schedule", JSON.valueToTree(config.schedule()));
    job.put("rotation", config.augment().rotation());
    job.put("label_smoothing", config.labelSmoothing());
    job.put("ema_decay", config.emaDecay());
    job.putObject("normalization")
        .put("mean", normalization.mean())
        .put("std", normalization.std());
    job.put("stop_at", config.stop().at());
    job.put("patience", config.stop().patience());
    return job;
  }

  /** Refuses a recipe the replica does not reproduce, naming what differs. */
  public static void checkReplicable(TrainConfig config) {
    Augmentation a = config.augment();
    if (!a.equals(new Augmentation(a.rotation(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))) {
      throw new UsageException(
          "the PyTorch replica reproduces bilinear rotation only (fill 0); this recipe's augmentation is "
              + a);
    }
    if (!config.optimizer().type().equals("sgd")
        || !(config.schedule().type().equals("onecycle")
            || config.schedule().type().equals("none"))) {
      throw new UsageException(
          "the PyTorch replica reproduces SGD with OneCycle or no schedule; this recipe has "
              + config.optimizer().type()
              + " with "
              + config.schedule().type());
    }
  }
}
