package io.cohort.billing.query;

import io.grpc.stub.StreamObserver;

/**
 * Collects the reply of one unary call to a gRPC service made in process (the HTTP API, tests).
 * The service answers before returning, so the reply is there when the call returns.
 */
public final class UnaryReply<T> implements StreamObserver<T> {

  private T value;
  private Throwable error;

  @Override
  public void onNext(T v) {
    value = v;
  }

  @Override
  public void onError(Throwable t) {
    error = t;
  }

  @Override
  public void onCompleted() {}

  /** The reply; throws IllegalStateException, caused by the error, when the call failed. */
  public T value() {
    if (error != null) {
      throw new IllegalStateException("the call failed: " + error.getMessage(), error);
    }
    return value;
  }

  /** The error the call ended with, or null. */
  public Throwable error() {
    return error;
  }
}
