package io.cohort.coordinator.limits;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * What the coordinator's federation service accepts from the network, beyond what the manifest
 * and the task already pin down (total update size, shapes, dtype, round, base version).
 *
 * @param maxIdChars longest task id, node id or model version accepted
 * @param minChunkBytes smallest data chunk accepted unless it completes the payload: bounds the
 *     number of chunks of an upload at {@code ceil(total / minChunkBytes)}
 * @param callsPerMinute sustained uploads (and, separately, downloads) per caller identity
 * @param burst calls a caller identity may make at once before the rate applies
 */
public record InputLimits(int maxIdChars, int minChunkBytes, double callsPerMinute, int burst) {

  /**
   * A node makes one download and one upload per round; 10 a second leaves room for benchmark
   * rounds of small models and for retries, while a flood from one identity is cut off. Ids are
   * UUIDs and content hashes, far below 128 characters.
   */
  public static final InputLimits DEFAULTS = new InputLimits(128, 16 << 10, 600, 60);

  /**
   * Returns {@code value} if it is at most {@link #maxIdChars} characters.
   *
   * @throws StatusRuntimeException INVALID_ARGUMENT naming the field and the limit
   */
  public String checkId(String field, String value) {
    if (value.length() > maxIdChars) {
      throw Status.INVALID_ARGUMENT.withDescription(field + " has " + value.length()
          + " characters, more than the limit of " + maxIdChars).asRuntimeException();
    }
    return value;
  }
}
