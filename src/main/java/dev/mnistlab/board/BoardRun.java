package dev.mnistlab.board;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One run as the board lists it ({@code GET /api/runs}); every field but the first three may be
 * null when the run's files do not say it (a damaged file, a run saved before mnistlab recorded its
 * progress).
 *
 * @param id the run's id in URLs: its path under the board's directory, base64url-encoded
 * @param path its path under the board's directory, as a person reads it
 * @param status {@code complete}, {@code running}, {@code interrupted}, {@code failed}, or {@code
 *     damaged} when its files cannot be read
 * @param state the status in words ("interrupted at epoch 3 of 15", "damaged: ...")
 * @param group the seeds directory, experiment step or search the run belongs to, or null
 * @param kind what the group is: {@code run} (none), {@code seeds}, {@code experiment} or {@code
 *     search}
 * @param model the model's name
 * @param params trainable parameters
 * @param dataset the dataset's id
 * @param seed the run's seed
 * @param epochsDone epochs completed
 * @param plannedEpochs epochs its configuration asks for
 * @param best the best test accuracy, percent
 * @param lastThreeMin the lowest test accuracy of the last 3 epochs (null before 3 epochs)
 * @param last the last epoch's test accuracy
 * @param updated when its progress was last written (ISO-8601)
 * @param recipe the recipe's main settings, in words ("sgd lr 0.01", "onecycle max_lr 0.2", ...)
 * @param hasReport whether {@code report.html} is there to show
 */
public record BoardRun(
    String id,
    String path,
    String status,
    String state,
    String group,
    String kind,
    String model,
    Long params,
    String dataset,
    Long seed,
    @JsonProperty("epochs_done") Integer epochsDone,
    @JsonProperty("planned_epochs") Integer plannedEpochs,
    Double best,
    @JsonProperty("last_three_min") Double lastThreeMin,
    Double last,
    String updated,
    List<String> recipe,
    @JsonProperty("has_report") boolean hasReport) {}
