package dev.mnistlab.text;

/**
 * A failure mnistlab foresaw and put in words: its message is one sentence for the user, and it
 * carries the process's exit status, so the command line needs no list of exception types. Any
 * other exception reaching the command line is unexpected (a bug, or a library's own failure) and
 * exits with {@link #FAILED}, described as such.
 */
public interface Failure {
  /** The run started but failed: data, engine, training, a damaged file. */
  int FAILED = 1;

  /** The command line or an input file is wrong: the user can fix it by changing what they gave. */
  int USAGE = 2;

  /** The exit status this failure ends the process with. */
  int exitCode();
}
