package io.cohort.edge.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class CsvTest {

  private static CsvTable read(String text) {
    return Csv.read(new StringReader(text), "t.csv");
  }

  @Test
  void quotedFieldsKeepCommasQuotesAndLineBreaks() {
    CsvTable t = read("a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\n");

    assertThat(t.rows()).containsExactly(List.of("x,y", "say \"hi\"", "two\nlines"));
  }

  @Test
  void crlfLfAndCrAllEndRecords() {
    CsvTable t = read("a,b\r\n1,2\r\n3,4\n5,6\r7,8");

    assertThat(t.rows()).containsExactly(List.of("1", "2"), List.of("3", "4"), List.of("5", "6"),
        List.of("7", "8"));
  }

  @Test
  void emptyFieldsAndTrailingCommaAreEmptyStrings() {
    CsvTable t = read("a,b,c\n,,\n1,\"\",\n");

    assertThat(t.rows()).containsExactly(List.of("", "", ""), List.of("1", "", ""));
  }

  @Test
  void byteOrderMarkIsSkippedAndHeaderNamesAreTrimmed() {
    CsvTable t = read("\uFEFF a ,b\n1,2\n");

    assertThat(t.header()).containsExactly("a", "b");
  }

  @Test
  void blankLinesAreSkippedWhenTheHeaderHasSeveralColumns() {
    CsvTable t = read("a,b\n1,2\n\n3,4\n\n");

    assertThat(t.rows()).hasSize(2);
  }

  @Test
  void aSingleColumnFileKeepsEmptyValues() {
    CsvTable t = read("a\n1\n\n2\n");

    assertThat(t.rows()).containsExactly(List.of("1"), List.of(""), List.of("2"));
  }

  @Test
  void emptyInputIsRefusedForLackOfHeader() {
    assertThatThrownBy(() -> read("")).isInstanceOf(DataException.class)
        .hasMessage("t.csv: the file is empty: a header line is required");
  }

  @Test
  void aRowOfTheWrongWidthIsRefusedWithItsLine() {
    assertThatThrownBy(() -> read("a,b\n1,2\n3\n")).isInstanceOf(DataException.class)
        .hasMessage("t.csv line 3 (row 2): 1 fields, but the header has 2 columns");
  }

  @Test
  void anUnclosedQuoteIsRefusedWithTheLineWhereTheFieldStarts() {
    assertThatThrownBy(() -> read("a,b\n1,\"open\n\n")).isInstanceOf(DataException.class)
        .hasMessage("t.csv line 2: quoted field 2 is never closed");
  }

  @Test
  void textAfterAClosingQuoteIsRefused() {
    assertThatThrownBy(() -> read("a,b\n\"x\"y,2\n")).isInstanceOf(DataException.class)
        .hasMessage("t.csv line 2: text after the closing quote of field 1");
  }

  @Test
  void aQuoteInsideAnUnquotedFieldIsRefused() {
    assertThatThrownBy(() -> read("a,b\n5'10\",2\n")).isInstanceOf(DataException.class)
        .hasMessageStartingWith("t.csv line 2: a quote inside unquoted field 1");
  }

  @Test
  void lineNumbersCountLineBreaksInsideQuotedFields() {
    assertThatThrownBy(() -> read("a,b\n\"x\ny\",1\n2\n")).isInstanceOf(DataException.class)
        .hasMessageStartingWith("t.csv line 4 (row 2)");
  }

  @Test
  void repeatedOrUnnamedHeaderColumnsAreRefused() {
    assertThatThrownBy(() -> read("a,b,a\n")).hasMessage("t.csv line 1: header names column "
        + "'a' twice");
    assertThatThrownBy(() -> read("a,,c\n")).hasMessage("t.csv line 1: header column 2 has no "
        + "name");
  }

  @Test
  void writerQuotesOnlyFieldsThatNeedIt() throws IOException {
    StringWriter out = new StringWriter();

    Csv.write(out, List.of("a", "b"), List.of(List.of("1.5", "x,\"y\"")));

    assertThat(out.toString()).isEqualTo("a,b\n1.5,\"x,\"\"y\"\"\"\n");
  }

  @Property(tries = 200)
  void writtenTablesReadBackUnchanged(@ForAll("tables") List<List<String>> rows)
      throws IOException {
    List<String> header = List.of("h1", "h2", "h3");
    StringWriter out = new StringWriter();
    Csv.write(out, header, rows);

    CsvTable back = read(out.toString());

    assertThat(back.header()).isEqualTo(header);
    assertThat(back.rows()).isEqualTo(rows);
  }

  @Provide
  Arbitrary<List<List<String>>> tables() {
    Arbitrary<String> field = Arbitraries.strings().withChars("ab1 ,\"\r\n.").ofMaxLength(6);
    return field.list().ofSize(3).list().ofMaxSize(8);
  }
}
