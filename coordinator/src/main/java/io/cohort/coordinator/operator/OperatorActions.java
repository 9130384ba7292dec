package io.cohort.coordinator.operator;

import io.cohort.coordinator.audit.AuditLog;
import io.cohort.coordinator.security.Caller;
import io.cohort.coordinator.federation.DuplicateFederationException;
import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.FederationStateException;
import io.cohort.coordinator.federation.Federations;
import io.cohort.proto.v1.FederationSpec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What an operator can do to federations, whichever way the request came in (gRPC or the
 * dashboard): every attempt is written to the audit log, and a refusal is a gRPC status that
 * says why and changes nothing.
 */
public final class OperatorActions {

  /** Lifecycle actions on an existing federation. */
  public enum Action {
    START, PAUSE, RESUME, STOP;

    /** The action's name in the audit log ("federation.pause"). */
    public String auditName() {
      return "federation." + name().toLowerCase(Locale.ROOT);
    }

    /** Parses "pause" and the like; empty if it is no action. */
    public static java.util.Optional<Action> named(String name) {
      for (Action a : values()) {
        if (a.name().equalsIgnoreCase(name)) {
          return java.util.Optional.of(a);
        }
      }
      return java.util.Optional.empty();
    }
  }

  private final Federations federations;
  private final AuditLog audit;

  public OperatorActions(Federations federations, AuditLog audit) {
    this.federations = federations;
    this.audit = audit;
  }

  /**
   * Applies a lifecycle action.
   *
   * @param peer where the request came from, for the audit log
   * @throws StatusRuntimeException NOT_FOUND for an unknown federation, FAILED_PRECONDITION when
   *     its state does not allow the action
   */
  public Federation perform(Action action, String federationId, String peer) {
    return perform(action, federationId, Caller.actorOr(AuditLog.OPERATOR), peer);
  }

  /**
   * Applies a lifecycle action for a known actor (a dashboard session's operator).
   *
   * @param actor who acts, for the audit log ("operator:alice")
   */
  public Federation perform(Action action, String federationId, String actor, String peer) {
    return audited(actor, action.auditName(), federationId, peer, () -> {
      Federation f = find(federationId);
      switch (action) {
        case START -> f.start();
        case PAUSE -> f.pause();
        case RESUME -> f.resume();
        case STOP -> federations.stop(f);
        default -> throw new IllegalStateException(action.name());
      }
      return f;
    });
  }

  /**
   * Creates a federation.
   *
   * @throws StatusRuntimeException INVALID_ARGUMENT (bad spec), ALREADY_EXISTS (id taken)
   */
  public Federation create(FederationSpec spec, String peer) {
    return audited(Caller.actorOr(AuditLog.OPERATOR), "federation.create",
        spec.getFederationId(), peer,
        () -> federations.create(spec));
  }

  /** The federation with this id, or NOT_FOUND. */
  public Federation find(String federationId) {
    return federations.get(federationId).orElseThrow(() -> Status.NOT_FOUND
        .withDescription("unknown federation '" + federationId + "'").asRuntimeException());
  }

  private Federation audited(String actor, String action, String federationId, String peer,
      Supplier<Federation> call) {
    var event = AuditLog.event(actor, action, federationId, peer);
    StatusRuntimeException refusal;
    try {
      Federation f = call.get();
      audit.allowed(event.setDetail("now " + f.state()));
      return f;
    } catch (StatusRuntimeException e) {
      refusal = e;
    } catch (FederationStateException e) {
      refusal = Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
    } catch (DuplicateFederationException e) {
      refusal = Status.ALREADY_EXISTS.withDescription(e.getMessage()).asRuntimeException();
    } catch (IllegalArgumentException e) {
      refusal = Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
    audit.refused(event, refusal.getStatus().getCode() + ": "
        + refusal.getStatus().getDescription());
    throw refusal;
  }
}
