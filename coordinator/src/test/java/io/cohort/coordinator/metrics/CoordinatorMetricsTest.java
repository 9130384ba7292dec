package io.cohort.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each observation looks like in the Prometheus exposition operators scrape. */
class CoordinatorMetricsTest {

  final CoordinatorMetrics metrics = CoordinatorMetrics.prometheus();

  @Test
  void finishedRoundsAreCountedByOutcomeWithTheirDuration() {
    metrics.roundFinished("heart", RoundSummary.newBuilder().setRound(1)
        .setOutcome(RoundOutcome.SUCCEEDED).setDurationMs(1_500).build());
    metrics.roundFinished("heart", RoundSummary.newBuilder().setRound(2)
        .setOutcome(RoundOutcome.SUCCEEDED).setDurationMs(500).build());
    metrics.roundFinished("heart", RoundSummary.newBuilder().setRound(3)
        .setOutcome(RoundOutcome.QUORUM_MISSED).setDurationMs(100).build());

    String text = metrics.scrape();
    assertThat(text)
        .contains("cohort_rounds_total{federation=\"heart\",outcome=\"succeeded\"} 2.0")
        .contains("cohort_rounds_total{federation=\"heart\",outcome=\"quorum_missed\"} 1.0")
        .contains("cohort_round_duration_seconds_count{federation=\"heart\","
            + "outcome=\"succeeded\"} 2")
        .contains("cohort_round_duration_seconds_sum{federation=\"heart\","
            + "outcome=\"succeeded\"} 2.0")
        .contains("cohort_round_duration_seconds_bucket{");
  }

  @Test
  void updatesAreCountedAsAggregatedDuplicateOrRejectedByReason() {
    metrics.updateReceived("heart", false);
    metrics.updateReceived("heart", false);
    metrics.updateReceived("heart", true);
    metrics.updateRejected("heart", "FAILED_PRECONDITION");
    metrics.updateRejected("", "NOT_FOUND");

    String text = metrics.scrape();
    assertThat(text)
        .contains("cohort_updates_received_total{federation=\"heart\",result=\"aggregated\"} 2.0")
        .contains("cohort_updates_received_total{federation=\"heart\",result=\"duplicate\"} 1.0")
        .contains("cohort_updates_rejected_total{federation=\"heart\","
            + "reason=\"failed_precondition\"} 1.0")
        .contains("cohort_updates_rejected_total{federation=\"unknown\",reason=\"not_found\"} 1.0");
  }

  @Test
  void aggregationTimeAndTrafficAreRecorded() {
    metrics.aggregated("heart", 3_000_000);
    metrics.bytesReceived("FederationService/UploadUpdate").increment(4096);
    metrics.bytesSent("FederationService/DownloadModel").increment(1024);

    String text = metrics.scrape();
    assertThat(text)
        .contains("cohort_aggregation_duration_seconds_count{federation=\"heart\"} 1")
        .contains("cohort_grpc_received_bytes_total{method=\"FederationService/UploadUpdate\"}"
            + " 4096.0")
        .contains("cohort_grpc_sent_bytes_total{method=\"FederationService/DownloadModel\"}"
            + " 1024.0");
  }

  @Test
  void federationGaugesAreReadAtScrapeTime() {
    metrics.observe(List::of);
    assertThat(metrics.scrape()).contains("cohort_federations{state=\"running\"} 0.0")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void disabledMetricsScrapeToNothing() {
    CoordinatorMetrics off = CoordinatorMetrics.disabled();
    off.updateReceived("x", false);
    assertThat(off.scrape()).isEmpty();
  }
}
