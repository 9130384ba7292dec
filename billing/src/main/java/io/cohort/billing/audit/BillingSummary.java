package io.cohort.billing.audit;

import io.cohort.billing.ledger.LedgerSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the demo report prints under "billing": the audit result, each owner's earnings, each
 * consumer's charges and the platform's fee, all from the ledger.
 *
 * @param violations audit violations, empty when the ledger is sound
 * @param currency ISO 4217 code
 * @param ownerEarnedMicros owner id to royalties earned
 * @param consumerChargedMicros consumer id to the net amount charged (debits less discounts)
 * @param platformFeeMicros the platform's balance (fees less discounts, plus breakage)
 */
public record BillingSummary(List<String> violations, String currency,
    Map<String, Long> ownerEarnedMicros, Map<String, Long> consumerChargedMicros,
    long platformFeeMicros) {

  public static BillingSummary of(LedgerSnapshot ledger, String currency) {
    Map<String, Long> owners = new TreeMap<>();
    Map<String, Long> consumers = new TreeMap<>();
    long platform = 0;
    for (var e : ledger.entries()) {
      String account = e.getAccount();
      if (account.startsWith("owner:")) {
        owners.merge(account.substring(6), e.getAmountMicros(), Long::sum);
      } else if (account.startsWith("consumer:")) {
        consumers.merge(account.substring(9), -e.getAmountMicros(), Long::sum);
      } else if (account.equals("platform")) {
        platform += e.getAmountMicros();
      }
    }
    return new BillingSummary(LedgerAudit.check(ledger), currency, owners, consumers, platform);
  }

  /**
   * The report's shape: {@code {"audit": "ok" or [violations], "currency": ..., "owners":
   * {"<owner>": {"earned_micros": n}}, "consumers": {"<consumer>": {"charged_micros": n}},
   * "platform": {"fee_micros": n}}}, ready for a JSON writer.
   */
  public Map<String, Object> toReport() {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("audit", violations.isEmpty() ? "ok" : violations);
    report.put("currency", currency);
    Map<String, Object> owners = new LinkedHashMap<>();
    ownerEarnedMicros.forEach((k, v) -> owners.put(k, Map.of("earned_micros", v)));
    report.put("owners", owners);
    Map<String, Object> consumers = new LinkedHashMap<>();
    consumerChargedMicros.forEach((k, v) -> consumers.put(k, Map.of("charged_micros", v)));
    report.put("consumers", consumers);
    report.put("platform", Map.of("fee_micros", platformFeeMicros));
    return report;
  }
}
