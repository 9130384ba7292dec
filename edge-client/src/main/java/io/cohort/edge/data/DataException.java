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

  /**
   * A file that cannot be read, in words: "does not exist", "is not readable (permission
   * denied)", "is a directory", else the I/O error's own message.
   */
  public static DataException cannotRead(String what, java.io.IOException e) {
    String why;
    if (e instanceof java.nio.file.NoSuchFileException) {
      why = "does not exist";
    } else if (e instanceof java.nio.file.AccessDeniedException) {
      why = "is not readable (permission denied)";
    } else if (e.getMessage() != null && e.getMessage().contains("Is a directory")) {
      why = "is a directory, not a file";
    } else {
      why = "cannot be read: " + e.getMessage();
    }
    return new DataException(what + " " + why, e);
  }
}
