package dev.mnistlab.train;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one epoch measured. Accuracies are percentages (99.42, not 0.9942); train figures are the
 * running averages over the epoch's batches, with augmentation and dropout on, as PyTorch notebooks
 * report them.
 *
 * @param lr learning rate of the epoch's last batch
 * @param seconds wall time of the epoch's training pass (evaluation excluded)
 */
public record EpochMetrics(
    int epoch,
    double lr,
    @JsonProperty("train_loss") double trainLoss,
    @JsonProperty("train_acc") double trainAcc,
    @JsonProperty("test_loss") double testLoss,
    @JsonProperty("test_acc") double testAcc,
    double seconds,
    @JsonProperty("images_per_second") double imagesPerSecond) {}
