package io.cohort.coordinator.contribution;

import java.util.List;
import java.util.Map;

/** Creates contribution scorers by the name used in federation specs. */
public final class ContributionScorers {

  public static final List<String> NAMES = List.of("shapley", "gtg", "loo");

  /**
   * The "shapley" setting computes exact values up to this many players (distinct updates: the
   * nodes, unless some sent identical updates), GTG estimates above.
   */
  public static final int EXACT_MAX_PLAYERS = 6;

  /** Parameters of "shapley" and "gtg" (see {@link GtgShapley.Settings}); "loo" takes none. */
  public static final List<String> GTG_PARAMETERS = List.of("truncation", "round_truncation",
      "convergence", "max_permutations", "seed");

  private ContributionScorers() {}

  /**
   * @throws IllegalArgumentException naming the problem for an unknown scorer or parameter
   */
  public static ContributionScorer create(String name, Map<String, Double> params) {
    return switch (name) {
      case "shapley" -> {
        ExactShapley exact = new ExactShapley();
        GtgShapley gtg = new GtgShapley(gtgSettings(name, params));
        yield (round, utility) -> round.playerCount() <= EXACT_MAX_PLAYERS
            ? exact.score(round, utility) : gtg.score(round, utility);
      }
      case "gtg" -> new GtgShapley(gtgSettings(name, params));
      case "loo" -> {
        requireKnown(name, params, List.of());
        yield new LeaveOneOut();
      }
      default -> throw new IllegalArgumentException("unknown contribution scorer '" + name
          + "': use one of " + NAMES);
    };
  }

  private static GtgShapley.Settings gtgSettings(String scorer, Map<String, Double> params) {
    requireKnown(scorer, params, GTG_PARAMETERS);
    GtgShapley.Settings d = GtgShapley.Settings.DEFAULTS;
    return new GtgShapley.Settings(
        params.getOrDefault("truncation", d.truncation()),
        params.getOrDefault("round_truncation", d.roundTruncation()),
        params.getOrDefault("convergence", d.convergence()),
        (int) whole(scorer, "max_permutations", params, d.maxPermutations()),
        whole(scorer, "seed", params, d.seed()));
  }

  private static long whole(String scorer, String key, Map<String, Double> params, long dflt) {
    Double value = params.get(key);
    if (value == null) {
      return dflt;
    }
    if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("contribution scorer " + scorer + " parameter " + key
          + " must be a whole number up to " + Integer.MAX_VALUE + ", got " + value);
    }
    return value.longValue();
  }

  private static void requireKnown(String scorer, Map<String, Double> params, List<String> known) {
    for (String key : params.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException("contribution scorer " + scorer + " has no parameter '"
            + key + "'" + (known.isEmpty() ? "" : ": use " + known));
      }
    }
  }
}
