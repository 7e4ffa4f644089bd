package dev.mnistlab.run;

import dev.mnistlab.text.Plain;

/**
 * Where a run stands: complete, training now, interrupted, or failed; read from its directory
 * without touching its lock, so a reader never gets in the way of the training.
 *
 * @param state the state
 * @param epochsDone epochs completed (and checkpointed); -1 for an unfinished run saved before
 *     mnistlab recorded its progress
 * @param plannedEpochs the epochs its configuration asks for
 * @param started when it first started (ISO-8601), or null when unknown
 * @param updated when its progress was last written (ISO-8601), or null when unknown
 * @param detail the process training it ({@link State#RUNNING}) or the failure ({@link
 *     State#FAILED}); null otherwise
 */
public record RunStatus(
    State state, int epochsDone, int plannedEpochs, String started, String updated, String detail) {

  /** The states a run directory can be in. */
  public enum State {
    /** {@code metrics.json} is written. */
    COMPLETE,
    /** A live process holds its lock. */
    RUNNING,
    /** Nobody trains it and it is not complete: stopped, killed, or its machine went down. */
    INTERRUPTED,
    /** Its training stopped with an error, which its progress records. */
    FAILED;

    /** The state as a word for tables and JSON: {@code complete}, {@code running}, ... */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Whether it is complete. */
  public boolean isComplete() {
    return state == State.COMPLETE;
  }

  /**
   * One phrase for a person: "complete", "in progress, epoch 3 of 15 done", "interrupted at epoch 3
   * of 15", "failed at epoch 4 of 15 (the loss was NaN)".
   */
  public String describe() {
    return switch (state) {
      case COMPLETE -> "complete";
      case RUNNING ->
          "in progress, "
              + (epochsDone <= 0
                  ? "first epoch of " + plannedEpochs
                  : "epoch " + epochsDone + " of " + plannedEpochs + " done");
      case INTERRUPTED ->
          epochsDone < 0
              ? "interrupted"
              : epochsDone == 0
                  ? "interrupted before its first epoch ended"
                  : "interrupted at epoch " + epochsDone + " of " + plannedEpochs;
      case FAILED ->
          "failed after "
              + Plain.count(Math.max(0, epochsDone), "epoch")
              + (detail == null ? "" : " (" + detail + ")");
    };
  }
}
