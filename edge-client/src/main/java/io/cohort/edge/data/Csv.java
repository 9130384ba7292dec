package io.cohort.edge.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes CSV as RFC 4180 defines it: fields separated by commas; a field that holds a
 * comma, a quote or a line break is enclosed in double quotes, and a quote inside it is doubled;
 * records end with CRLF, LF or CR. The first record is the header and is required. A UTF-8 byte
 * order mark is skipped. Empty lines are skipped when the header has more than one column.
 *
 * <p>Malformed input is refused with a {@link DataException} naming the line: a quote inside an
 * unquoted field, text after a closing quote, a quoted field never closed, a record whose width
 * differs from the header's, an empty or repeated column name.
 */
public final class Csv {

  private Csv() {}

  public static CsvTable read(Path file) {
    try (Reader in = DataException.open(file, file.toString())) {
      return read(in, file.toString());
    } catch (IOException e) {
      throw DataException.cannotRead(file.toString(), e);
    }
  }

  /** Reads a whole table; {@code source} names it in error messages. */
  public static CsvTable read(Reader in, String source) {
    try {
      return readTable(in, source);
    } catch (UncheckedIOException e) {
      throw DataException.cannotRead(source, e.getCause());
    }
  }

  private static CsvTable readTable(Reader in, String source) {
    RecordReader records = new RecordReader(in, source);
    RecordReader.Record header = records.next();
    if (header == null) {
      throw new DataException(source + ": the file is empty: a header line is required");
    }
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < header.fields().size(); i++) {
      String name = header.fields().get(i).trim();
      if (name.isEmpty()) {
        throw new DataException(source + " line " + header.line() + ": header column "
            + (i + 1) + " has no name");
      }
      if (!seen.add(name)) {
        throw new DataException(source + " line " + header.line() + ": header names column '"
            + name + "' twice");
      }
      names.add(name);
    }
    List<List<String>> rows = new ArrayList<>();
    for (RecordReader.Record r = records.next(); r != null; r = records.next()) {
      if (r.blank() && names.size() > 1) {
        continue;
      }
      if (r.fields().size() != names.size()) {
        throw new DataException(source + " line " + r.line() + " (row " + (rows.size() + 1)
            + "): " + r.fields().size() + " fields, but the header has " + names.size()
            + " columns");
      }
      rows.add(r.fields());
    }
    return new CsvTable(source, names, rows);
  }

  /** Writes a header and rows, quoting only the fields that need it; records end with LF. */
  public static void write(Writer out, List<String> header, List<List<String>> rows)
      throws IOException {
    writeRecord(out, header);
    for (List<String> row : rows) {
      writeRecord(out, row);
    }
  }

  static void writeRecord(Writer out, List<String> fields) throws IOException {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(quoteIfNeeded(fields.get(i)));
    }
    out.write('\n');
  }

  static String quoteIfNeeded(String field) {
    boolean needs = field.chars().anyMatch(c -> c == ',' || c == '"' || c == '\r' || c == '\n');
    return needs ? '"' + field.replace("\"", "\"\"") + '"' : field;
  }

  /** Splits character input into records, tracking line numbers for messages. */
  private static final class RecordReader {

    record Record(List<String> fields, int line, boolean blank) {}

    private final Reader in;
    private final String source;
    private int line = 1;
    private int pushedBack = -2;
    private boolean first = true;

    RecordReader(Reader in, String source) {
      this.in = in instanceof BufferedReader ? in : new BufferedReader(in);
      this.source = source;
    }

    /** The next record, or null at the end of input. */
    Record next() {
      int c = read();
      if (first) {
        first = false;
        if (c == '\uFEFF') {
          c = read();
        }
      }
      if (c == -1) {
        return null;
      }
      int startLine = line;
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quotedAny = false;
      while (true) {
        if (c == '"' && field.isEmpty()) {
          quotedAny = true;
          c = readQuoted(field, startLine, fields.size() + 1);
          if (c != ',' && c != '\r' && c != '\n' && c != -1) {
            throw error("text after the closing quote of field " + (fields.size() + 1));
          }
        } else {
          while (c != ',' && c != '\r' && c != '\n' && c != -1) {
            if (c == '"') {
              throw error("a quote inside unquoted field " + (fields.size() + 1)
                  + " (quote the whole field and double the quote)");
            }
            field.append((char) c);
            c = read();
          }
        }
        fields.add(field.toString());
        field.setLength(0);
        if (c == ',') {
          c = read();
          continue;
        }
        endLine(c);
        boolean blank = fields.size() == 1 && fields.get(0).isEmpty() && !quotedAny;
        return new Record(List.copyOf(fields), startLine, blank);
      }
    }

    /** Reads a quoted field's content after its opening quote; returns the char after it. */
    private int readQuoted(StringBuilder field, int startLine, int fieldNumber) {
      while (true) {
        int c = read();
        if (c == -1) {
          throw new DataException(source + " line " + startLine + ": quoted field "
              + fieldNumber + " is never closed");
        }
        if (c == '"') {
          int after = read();
          if (after != '"') {
            return after;
          }
        } else if (c == '\n' || (c == '\r' && peek() != '\n')) {
          line++;
        }
        field.append((char) c);
      }
    }

    private void endLine(int c) {
      if (c == '\r' && peek() == '\n') {
        read();
      }
      if (c != -1) {
        line++;
      }
    }

    private DataException error(String problem) {
      return new DataException(source + " line " + line + ": " + problem);
    }

    private int peek() {
      if (pushedBack == -2) {
        pushedBack = readRaw();
      }
      return pushedBack;
    }

    private int read() {
      if (pushedBack != -2) {
        int c = pushedBack;
        pushedBack = -2;
        return c;
      }
      return readRaw();
    }

    private int readRaw() {
      try {
        return in.read();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
