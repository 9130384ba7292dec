package io.cohort.coordinator.inference;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.FederationSpecs;
import io.cohort.coordinator.federation.Federations;
import io.cohort.coordinator.market.MarketEvents;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.InferenceSchema;
import io.cohort.proto.v1.ModelOffer;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model versions on sale and their loaded form. A version is on sale once its round
 * succeeded (then its price and contribution shares were published to billing); the latest one
 * answers unpinned requests. Each version is loaded once and kept; a new round's version is
 * picked up by the next request, while requests in flight finish on the one they resolved; then
 * the versions it replaced are retired (closed once their last request is answered; a pinned
 * request loads one again).
 */
public final class ModelCatalog implements AutoCloseable {

  private final Federations federations;
  private final InferenceSchemas schemas;
  private final int maxRecords;
  private final ServingEngine engine;
  private final int predictors;
  private final Map<String, String> latest = new ConcurrentHashMap<>();
  private final Map<String, ServedModel> loaded = new ConcurrentHashMap<>();
  private final Map<String, FeatureEncoder> encoders = new ConcurrentHashMap<>();

  public ModelCatalog(Federations federations, InferenceSchemas schemas, int maxRecords,
      ServingEngine engine, int predictors) {
    this.federations = federations;
    this.schemas = schemas;
    this.maxRecords = maxRecords;
    this.engine = engine;
    this.predictors = predictors;
  }

  /** The federation named, or the only one when the name is empty. */
  public Federation federation(String federationId) throws InferenceException {
    if (federationId.isEmpty()) {
      List<Federation> all = federations.list();
      if (all.size() == 1) {
        return all.get(0);
      }
      throw new InferenceException(Status.Code.INVALID_ARGUMENT, "invalid_input",
          "federation_id: required, this coordinator serves " + all.stream()
              .map(Federation::id).toList());
    }
    return federations.get(federationId).orElseThrow(() -> new InferenceException(
        Status.Code.NOT_FOUND, "unknown_federation", "federation_id: no federation '"
            + federationId + "'"));
  }

  /**
   * The version answering a request, the pinned one or the latest on sale, with a lease the
   * caller must {@link ServedModel#release} once answered.
   */
  public ServedModel resolve(Federation f, String pinned) throws InferenceException {
    if (f.completedRounds() == 0) {
      throw new InferenceException(Status.Code.FAILED_PRECONDITION, "no_model",
          "federation '" + f.id() + "' has no model version on sale yet (no round finished)");
    }
    // The current version is the last succeeded round's: the latest on sale.
    String version = f.currentVersion();
    if (!pinned.isEmpty()) {
      if (!loaded.containsKey(key(f, pinned))
          && offers(f).stream().noneMatch(o -> o.getVersion().equals(pinned))) {
        throw new InferenceException(Status.Code.NOT_FOUND, "unknown_version",
            "model_version: '" + pinned + "' is not a version of federation '" + f.id()
                + "' on sale (see ListModels)");
      }
      version = pinned;
    } else {
      swapIfNew(f, version);
    }
    String v = version;
    while (true) {
      ServedModel model = loaded.computeIfAbsent(key(f, v), k -> load(f, v));
      if (model.acquire()) {
        return model;
      }
      loaded.remove(key(f, v), model); // closed by a swap a moment ago: load it again
    }
  }

  private ServedModel load(Federation f, String version) {
    return new ServedModel(f.id(), version, engine.load(key(f, version),
        f.architecture(), f.registry().parameters(version),
        predictors), encoder(f));
  }

  /** When the latest version changed, retires every other loaded version of the federation. */
  private void swapIfNew(Federation f, String version) {
    String before = latest.put(f.id(), version);
    if (before == null || before.equals(version)) {
      return;
    }
    String keep = key(f, version);
    for (Map.Entry<String, ServedModel> e : loaded.entrySet()) {
      if (e.getKey().startsWith(f.id() + "/") && !e.getKey().equals(keep)
          && loaded.remove(e.getKey(), e.getValue())) {
        e.getValue().retire();
      }
    }
  }

  private static String key(Federation f, String version) {
    return f.id() + "/" + version;
  }

  /** Retires every loaded version (their native memory is freed once unused). */
  @Override
  public void close() {
    for (Map.Entry<String, ServedModel> e : loaded.entrySet()) {
      if (loaded.remove(e.getKey(), e.getValue())) {
        e.getValue().retire();
      }
    }
  }

  /** Versions on sale, newest first; the first is the latest. */
  public List<ModelOffer> offers(Federation f) {
    FederationSpec spec = f.spec();
    List<ModelOffer> out = new ArrayList<>();
    List<RoundSummary> rounds = f.rounds();
    for (int i = rounds.size() - 1; i >= 0; i--) {
      RoundSummary r = rounds.get(i);
      if (r.getOutcome() != RoundOutcome.SUCCEEDED || r.getModelVersion().isEmpty()) {
        continue;
      }
      double quality = Double.isFinite(r.getQuality()) ? r.getQuality() : 0;
      out.add(ModelOffer.newBuilder().setFederationId(f.id()).setVersion(r.getModelVersion())
          .setRound(r.getRound())
          .setQualityMetric(FederationSpecs.qualityMetric(spec))
          .setQuality(quality).setPriceMicrosPer1000(MarketEvents.listPrice(spec, quality))
          .setCurrency(MarketEvents.currency(spec)).setLatest(out.isEmpty()).build());
    }
    return out;
  }

  /** The federation's consumer schema, read once and kept with its encoder. */
  public InferenceSchema schema(Federation f) {
    return encoder(f).schema();
  }

  public List<Federation> federations() {
    return federations.list();
  }

  private FeatureEncoder encoder(Federation f) {
    return encoders.computeIfAbsent(f.id(), id -> new FeatureEncoder(encoderSchema(f),
        maxRecords));
  }

  private InferenceSchema encoderSchema(Federation f) {
    return schemas.load(f.id(), f.spec().getModel());
  }
}
