package io.cohort.billing.query;

import io.cohort.billing.ledger.Accounts;
import io.cohort.billing.period.Period;
import io.cohort.proto.v1.Balance;
import io.cohort.proto.v1.BillingServiceGrpc;
import io.cohort.proto.v1.GetBalanceRequest;
import io.cohort.proto.v1.GetOverviewRequest;
import io.cohort.proto.v1.GetStatementRequest;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.ListLedgerEntriesRequest;
import io.cohort.proto.v1.ListLedgerEntriesResponse;
import io.cohort.proto.v1.ListPeriodsRequest;
import io.cohort.proto.v1.ListPeriodsResponse;
import io.cohort.proto.v1.Overview;
import io.cohort.proto.v1.Statement;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.List;

/**
 * The {@code cohort.v1.BillingService} gRPC service over a {@link LedgerFollower}. Add it to any
 * gRPC server ({@code ServerBuilder.addService}); errors are status codes with a message a
 * person can act on.
 */
public final class BillingQueryService extends BillingServiceGrpc.BillingServiceImplBase {

  private static final int DEFAULT_PAGE = 100;
  private static final int MAX_PAGE = 1_000;
  private static final int DEFAULT_OVERVIEW_PERIODS = 12;
  private static final int MAX_OVERVIEW_PERIODS = 100;

  private final LedgerFollower ledger;
  private final Clock clock;

  public BillingQueryService(LedgerFollower ledger, Clock clock) {
    this.ledger = ledger;
    this.clock = clock;
  }

  @Override
  public void getBalance(GetBalanceRequest request, StreamObserver<Balance> response) {
    answer(response, () -> {
      checkAccount(request.getAccount());
      return ledger.query(book -> book.balance(request.getAccount()));
    });
  }

  @Override
  public void listLedgerEntries(ListLedgerEntriesRequest request,
      StreamObserver<ListLedgerEntriesResponse> response) {
    answer(response, () -> {
      checkAccount(request.getAccount());
      int size = request.getPageSize() <= 0 ? DEFAULT_PAGE
          : Math.min(request.getPageSize(), MAX_PAGE);
      int from;
      try {
        from = request.getPageToken().isEmpty() ? 0 : Integer.parseInt(request.getPageToken());
      } catch (NumberFormatException e) {
        throw Status.INVALID_ARGUMENT.withDescription("bad page_token '"
            + request.getPageToken() + "'; pass the next_page_token of a previous response")
            .asException();
      }
      List<LedgerEntry> all = ledger.query(book -> book.entries(request.getAccount(),
          request.getPeriodId()));
      int to = Math.min(all.size(), from + size);
      ListLedgerEntriesResponse.Builder page = ListLedgerEntriesResponse.newBuilder()
          .addAllEntries(all.subList(Math.min(from, to), to));
      if (to < all.size()) {
        page.setNextPageToken(Integer.toString(to));
      }
      return page.build();
    });
  }

  @Override
  public void getStatement(GetStatementRequest request, StreamObserver<Statement> response) {
    answer(response, () -> {
      checkAccount(request.getAccount());
      long now = clock.millis();
      return ledger.query(book -> {
        Period period;
        try {
          period = request.getPeriodId().isEmpty()
              ? book.periods().calendar().periodOf(now)
              : book.periods().calendar().byId(request.getPeriodId());
        } catch (IllegalArgumentException e) {
          return null;
        }
        return book.statement(request.getAccount(), period, now);
      });
    }, "not a period id: '" + request.getPeriodId() + "'; use the start of a period as an "
        + "ISO-8601 UTC instant, e.g. 2026-11-01T00:00:00Z");
  }

  @Override
  public void listPeriods(ListPeriodsRequest request,
      StreamObserver<ListPeriodsResponse> response) {
    answer(response, () -> {
      long now = clock.millis();
      return ledger.query(book -> {
        ListPeriodsResponse.Builder periods = ListPeriodsResponse.newBuilder();
        for (String id : book.periodIds()) {
          try {
            Period p = book.periods().calendar().byId(id);
            periods.addPeriods(p.toProto(book.periods().isClosed(p, now)));
          } catch (IllegalArgumentException e) {
            // booked under another period length than this service's: not listable here
          }
        }
        return periods.build();
      });
    });
  }

  @Override
  public void getOverview(GetOverviewRequest request, StreamObserver<Overview> response) {
    answer(response, () -> {
      int max = request.getMaxPeriods();
      if (max < 0 || max > MAX_OVERVIEW_PERIODS) {
        throw Status.INVALID_ARGUMENT.withDescription("max_periods must be in [0, "
            + MAX_OVERVIEW_PERIODS + "], got " + max).asException();
      }
      long now = clock.millis();
      return ledger.query(book -> book.overview(max == 0 ? DEFAULT_OVERVIEW_PERIODS : max, now));
    });
  }

  private static void checkAccount(String account) throws StatusException {
    if (!Accounts.isValid(account)) {
      throw Status.INVALID_ARGUMENT.withDescription("not an account: '" + account
          + "'; use consumer:<id>, owner:<id>, prepaid:<id> or platform").asException();
    }
  }

  private interface Answer<T> {
    T get() throws StatusException;
  }

  private <T> void answer(StreamObserver<T> response, Answer<T> answer) {
    answer(response, answer, "invalid argument");
  }

  /** Replies with the answer, UNAVAILABLE while loading, INVALID_ARGUMENT when it is null. */
  private <T> void answer(StreamObserver<T> response, Answer<T> answer, String whenNull) {
    if (!ledger.caughtUp()) {
      response.onError(Status.UNAVAILABLE.withDescription("the ledger is still being loaded; "
          + "retry in a few seconds").asException());
      return;
    }
    try {
      T value = answer.get();
      if (value == null) {
        response.onError(Status.INVALID_ARGUMENT.withDescription(whenNull).asException());
        return;
      }
      response.onNext(value);
      response.onCompleted();
    } catch (StatusException e) {
      response.onError(e);
    }
  }
}
