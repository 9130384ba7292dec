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
   * Opens {@code file} for reading as text, or says in words why it cannot: "does not exist",
   * "is a directory, not a file", "is not readable (permission denied)", else the I/O error's
   * own message. {@code what} names the file in the message.
   */
  public static java.io.BufferedReader open(java.nio.file.Path file, String what) {
    if (java.nio.file.Files.isDirectory(file)) {
      throw new DataException(what + " is a directory, not a file");
    }
    try {
      return java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw cannotRead(what, e);
    }
  }

  /** An I/O error while reading {@code what}, in words (see {@link #open}). */
  public static DataException cannotRead(String what, java.io.IOException e) {
    String why;
    if (e instanceof java.nio.file.NoSuchFileException) {
      why = "does not exist";
    } else if (e instanceof java.nio.file.AccessDeniedException) {
      why = "is not readable (permission denied)";
    } else {
      why = "cannot be read: " + e.getMessage();
    }
    return new DataException(what + " " + why, e);
  }
}
