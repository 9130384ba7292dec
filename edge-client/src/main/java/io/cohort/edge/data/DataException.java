package io.cohort.edge.data;

/**
 * A data file or schema file cannot be used. The message is one line that names the file, the
 * place in it and the problem (for example {@code "heart.csv: row 17, column chol: 'abc' is not a
 * number"}), so a CLI can print it as is and exit non-zero.
 */
public class DataException extends RuntimeException {

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
