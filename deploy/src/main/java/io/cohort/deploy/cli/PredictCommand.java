package io.cohort.deploy.cli;

import io.cohort.coordinator.inference.InferenceException;
import io.cohort.coordinator.inference.InferenceHttp;
import io.cohort.deploy.UserError;
import io.cohort.proto.v1.FeatureRecord;
import io.cohort.proto.v1.FeatureValue;
import io.cohort.proto.v1.InferenceServiceGrpc;
import io.cohort.proto.v1.PredictRequest;
import io.cohort.proto.v1.PredictResponse;
import io.cohort.proto.v1.Prediction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cohort predict}: scores records from a CSV or JSON file with the federation's model. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Scores records (CSV with a header of feature names, or JSON: an array of"
        + " objects or {\"records\": [...]}) and prints each record's class probabilities.")
public final class PredictCommand implements Callable<Integer> {

  @Mixin ConsumerAddress at;
  @Option(names = "--input", required = true, description = "records.csv or records.json")
  Path input;
  @Option(names = "--version", description = "Pin a model version (default: the latest).")
  String version;
  @Option(names = {"-f", "--federation"}, defaultValue = "${env:COHORT_FEDERATION}",
      description = "Federation (default: the only one).")
  String federation;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (!Files.isReadable(input)) {
      throw new UserError("--input: cannot read " + input);
    }
    PredictRequest.Builder request = records(input).toBuilder();
    if (version != null) {
      request.setModelVersion(version);
    }
    if (federation != null) {
      request.setFederationId(federation);
    }
    try (ConsumerCalls calls = new ConsumerCalls(at.coordinator, at.channel())) {
      var stub = calls.prepare(InferenceServiceGrpc.newBlockingStub(calls.channel()), at.key);
      PredictResponse r = calls.call(() -> stub.predict(request.build()));
      print(spec.commandLine().getOut(), r);
      return 0;
    }
  }

  static void print(PrintWriter out, PredictResponse r) {
    List<String> classes = r.getClassNamesList();
    out.println("federation " + r.getFederationId() + ", model version " + r.getModelVersion()
        + ", request " + r.getRequestId());
    for (int i = 0; i < r.getPredictionsCount(); i++) {
      Prediction p = r.getPredictions(i);
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%5d  %-10s",
          i, classes.get(p.getPredictedClass())));
      for (int c = 0; c < p.getProbabilitiesCount(); c++) {
        line.append(String.format(Locale.ROOT, "  %s=%.4f", classes.get(c),
            p.getProbabilities(c)));
      }
      out.println(line);
    }
    out.flush();
  }

  /** Records from a file: JSON by extension or leading bracket, otherwise CSV. */
  static PredictRequest records(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    try {
      if (text.startsWith("[")) {
        text = "{\"records\": " + text + "}";
      }
      if (text.startsWith("{")) {
        return InferenceHttp.predictRequest(new ByteArrayInputStream(
            text.getBytes(StandardCharsets.UTF_8)));
      }
    } catch (InferenceException e) {
      throw new UserError("--input " + file + ": " + e.getMessage());
    }
    return csv(file, text);
  }

  /** A CSV cell that parses as a number is a number; anything else is a category. */
  private static PredictRequest csv(Path file, String text) {
    List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
    if (lines.size() < 2) {
      throw new UserError("--input " + file + ": a CSV needs a header and at least one row");
    }
    String[] header = lines.get(0).split(",", -1);
    PredictRequest.Builder out = PredictRequest.newBuilder();
    for (int i = 1; i < lines.size(); i++) {
      String[] cells = lines.get(i).split(",", -1);
      if (cells.length != header.length) {
        throw new UserError("--input " + file + ": line " + (i + 1) + " has " + cells.length
            + " cells, the header has " + header.length);
      }
      FeatureRecord.Builder r = FeatureRecord.newBuilder();
      for (int c = 0; c < header.length; c++) {
        String cell = cells[c].strip();
        FeatureValue.Builder v = FeatureValue.newBuilder();
        try {
          v.setNumber(Double.parseDouble(cell));
        } catch (NumberFormatException e) {
          v.setCategory(cell);
        }
        r.putFeatures(header[c].strip(), v.build());
      }
      out.addRecords(r);
    }
    return out.build();
  }
}
