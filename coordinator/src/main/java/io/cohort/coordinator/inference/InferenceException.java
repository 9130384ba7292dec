package io.cohort.coordinator.inference;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A refused inference request: the gRPC code, a message naming the field or limit, a short
 * reason for metrics, and (for RESOURCE_EXHAUSTED) the seconds to wait before retrying.
 */
public final class InferenceException extends Exception {

  /** Trailer (gRPC) and header (HTTP, "Retry-After") carrying the seconds to wait. */
  public static final Metadata.Key<String> RETRY_AFTER =
      Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);

  private final Status.Code code;
  private final String reason;
  private final long retryAfterSeconds;

  public InferenceException(Status.Code code, String reason, String message) {
    this(code, reason, message, 0);
  }

  public InferenceException(Status.Code code, String reason, String message,
      long retryAfterSeconds) {
    super(message, null, false, false);
    this.code = code;
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static InferenceException invalid(String message) {
    return new InferenceException(Status.Code.INVALID_ARGUMENT, "invalid_input", message);
  }

  public Status.Code code() {
    return code;
  }

  /** Short label for the rejected-requests metric, e.g. invalid_input, rate_limit. */
  public String reason() {
    return reason;
  }

  /** Seconds to wait before retrying; 0 when retrying will not help. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The HTTP status with the same meaning. */
  public int httpStatus() {
    return switch (code) {
      case INVALID_ARGUMENT -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case FAILED_PRECONDITION -> 409;
      case RESOURCE_EXHAUSTED -> 429;
      case UNAVAILABLE -> 503;
      default -> 500;
    };
  }

  public StatusRuntimeException toStatus() {
    Metadata trailers = new Metadata();
    if (retryAfterSeconds > 0) {
      trailers.put(RETRY_AFTER, Long.toString(retryAfterSeconds));
    }
    return Status.fromCode(code).withDescription(getMessage()).asRuntimeException(trailers);
  }
}
