package io.cohort.edge.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in UCI heart-disease federation: four hospitals in one CSV (classpath
 * {@code datasets/heart/}), preprocessed like the FLamby Fed-Heart-Disease benchmark: 10 numeric
 * features, rows with missing values dropped (740 rows remain), 66/34 stratified split per site.
 * Attribution and licence: {@code datasets/heart/README.md}.
 */
public final class HeartDisease {

  /** Site names as the CSV's {@code site} column spells them. */
  public static final List<String> SITES = List.of("cleveland", "hungarian", "switzerland", "va");

  static final String DIR = "/datasets/heart/";
  static final String CSV_FILE = "heart_disease_uci_4sites.csv";
  static final String SCHEMA_FILE = "schema.yaml";

  private HeartDisease() {}

  /** One site's schema and the full four-site table; {@link #load()} keeps the site's rows. */
  public record Preset(String site, DataSchema schema, CsvTable csv) {
    public LocalDataset load() {
      return LocalDataset.load(csv, schema);
    }
  }

  public static List<String> sites() {
    return SITES;
  }

  /** The schema for all sites (no site filter); what {@link #writeSchema} writes. */
  public static DataSchema schema() {
    return Resources.SCHEMA;
  }

  /** The preset of one site. */
  public static Preset preset(String site) {
    requireSite(site);
    return new Preset(site, Resources.SCHEMA.withSite(site), Resources.TABLE);
  }

  /** One site's preprocessed data. */
  public static LocalDataset load(String site) {
    return preset(site).load();
  }

  /** Every site's preprocessed data, in {@link #SITES} order. */
  public static Map<String, LocalDataset> loadAll() {
    Map<String, LocalDataset> all = new LinkedHashMap<>();
    SITES.forEach(site -> all.put(site, load(site)));
    return all;
  }

  /**
   * The union of the four sites' held-out splits, each normalised with its own site's training
   * statistics exactly as that site's node sees it: a model's accuracy on this is the pooled
   * accuracy over all sites' federated evaluations.
   */
  public static TabularData pooledHeldOut() {
    List<TabularData> parts = new ArrayList<>();
    loadAll().values().forEach(d -> parts.add(d.eval()));
    int width = parts.get(0).numFeatures();
    int rows = parts.stream().mapToInt(TabularData::rows).sum();
    float[] features = new float[rows * width];
    int[] labels = new int[rows];
    int at = 0;
    for (TabularData part : parts) {
      System.arraycopy(part.features(), 0, features, at * width, part.features().length);
      System.arraycopy(part.labels(), 0, labels, at, part.rows());
      at += part.rows();
    }
    return new TabularData(features, labels, width, parts.get(0).numClasses());
  }

  /**
   * Writes one site's raw rows (all columns, the header first) as a standalone CSV file, for a
   * node that must hold only its own hospital's data. With {@link #writeSchema} beside it, the
   * node's {@link LocalDataset#load(Path, Path)} gives the same data as {@link #load(String)}.
   */
  public static void writeSiteCsv(String site, Path target) {
    requireSite(site);
    int siteColumn = Resources.TABLE.columnIndex("site");
    List<List<String>> rows = Resources.TABLE.rows().stream()
        .filter(row -> row.get(siteColumn).equals(site)).toList();
    try (Writer out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
      Csv.write(out, Resources.TABLE.header(), rows);
    } catch (IOException e) {
      throw new DataException(target + ": cannot write: " + e, e);
    }
  }

  /** Writes the preset's schema file (no site filter: a site's own CSV holds only its rows). */
  public static void writeSchema(Path target) {
    try {
      Files.writeString(target, Resources.SCHEMA_TEXT, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DataException(target + ": cannot write: " + e, e);
    }
  }

  private static void requireSite(String site) {
    if (!SITES.contains(site)) {
      throw new DataException("unknown heart-disease site '" + site + "' (sites: "
          + String.join(", ", SITES) + ")");
    }
  }

  /** The classpath files, read once on first use. */
  private static final class Resources {
    static final String SCHEMA_TEXT = text(SCHEMA_FILE);
    static final DataSchema SCHEMA = DataSchema.parse(SCHEMA_TEXT, "classpath:" + DIR
        + SCHEMA_FILE);
    static final CsvTable TABLE = table();

    private static CsvTable table() {
      try (Reader in = new InputStreamReader(open(CSV_FILE), StandardCharsets.UTF_8)) {
        return Csv.read(in, "classpath:" + DIR + CSV_FILE);
      } catch (IOException e) {
        throw new DataException("classpath:" + DIR + CSV_FILE + ": cannot read: " + e, e);
      }
    }

    private static String text(String name) {
      try (InputStream in = open(name)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new DataException("classpath:" + DIR + name + ": cannot read: " + e, e);
      }
    }

    private static InputStream open(String name) {
      InputStream in = HeartDisease.class.getResourceAsStream(DIR + name);
      if (in == null) {
        throw new DataException("classpath:" + DIR + name + " is missing from the jar");
      }
      return in;
    }
  }
}
