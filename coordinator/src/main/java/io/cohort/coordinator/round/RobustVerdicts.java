package io.cohort.coordinator.round;

import io.cohort.proto.v1.RoundSummary;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries what the round's strategy flagged (robust strategies, norm filter) to where operators
 * see it: the round summary (journaled; the audit log hears it from there) and each node's
 * suspicion counters.
 */
final class RobustVerdicts {

  private static final Logger log = LoggerFactory.getLogger(RobustVerdicts.class);

  private RobustVerdicts() {}

  static void record(RoundEngine.RoundHost federation, int round, Map<String, String> flagged,
      RoundSummary.Builder summary) {
    flagged.forEach((nodeId, why) -> {
      log.warn("federation={} round={} node={} update flagged: {}", federation.id(), round,
          nodeId, why);
      federation.nodes().get(nodeId).ifPresent(n -> n.suspicion().updateFlagged(why));
    });
    summary.putAllFlagged(flagged);
  }
}
