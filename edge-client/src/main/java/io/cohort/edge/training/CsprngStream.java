package io.cohort.edge.training;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * A cryptographically secure random stream for DP-SGD's sampling and noise: AES-128 in counter
 * mode (the keystream of successive 128-bit counter blocks, as in NIST SP 800-90A's CTR_DRBG),
 * keyed with 128 bits and started at a 128-bit counter drawn from {@link SecureRandom}. The key
 * lives in this object only: it is never logged, stored or sent, and a new stream (new key) is
 * made for every training run.
 *
 * <p>Counter blocks are encrypted with the JDK's AES in ECB mode, which uses the AES-NI
 * instructions (about 2.5 GB/s on one core here, ten times the JDK's own CTR mode; AES-256 runs
 * at 1.7 GB/s), a chunk at a time. Not thread-safe.
 */
final class CsprngStream {

  private static final int CHUNK = 1 << 15; // bytes of keystream per refill
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class,
      ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
      ByteOrder.LITTLE_ENDIAN);

  private final Cipher aes;
  private final byte[] counters = new byte[CHUNK];
  private final byte[] keystream = new byte[CHUNK];
  private long counterHigh;
  private long counterLow;
  private int position = CHUNK; // bytes of keystream consumed

  private CsprngStream(byte[] key, long counterHigh, long counterLow) {
    try {
      aes = Cipher.getInstance("AES/ECB/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES is not available in this JVM", e);
    }
    this.counterHigh = counterHigh;
    this.counterLow = counterLow;
  }

  /** A stream keyed from {@code seedSource} (128-bit key, random 128-bit start counter). */
  static CsprngStream seededFrom(SecureRandom seedSource) {
    byte[] key = new byte[16];
    seedSource.nextBytes(key);
    return new CsprngStream(key, seedSource.nextLong(), seedSource.nextLong());
  }

  /** A stream keyed from a new {@link SecureRandom}. */
  static CsprngStream secure() {
    return seededFrom(new SecureRandom());
  }

  /** 32 uniformly random bits. */
  int nextInt() {
    return (int) INT.get(keystream, take(Integer.BYTES));
  }

  /** 64 uniformly random bits. */
  long nextLong() {
    return (long) LONG.get(keystream, take(Long.BYTES));
  }

  /** The offset of the next {@code bytes} bytes of keystream, which are then consumed. */
  private int take(int bytes) {
    if (position > CHUNK - bytes) {
      refill();
    }
    int at = position;
    position += bytes;
    return at;
  }

  /** Uniform in [0, 1), 53 random bits. */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /**
   * Fills {@code out[from..from+count)} with random 32-bit words (faster than {@link #nextInt} in
   * a loop).
   */
  void nextInts(int[] out, int from, int count) {
    int end = from + count;
    int i = from;
    while (i < end) {
      if (position > CHUNK - Integer.BYTES) {
        refill();
      }
      int n = Math.min(end - i, (CHUNK - position) / Integer.BYTES);
      for (int k = 0; k < n; k++) {
        out[i + k] = (int) INT.get(keystream, position + k * Integer.BYTES);
      }
      i += n;
      position += n * Integer.BYTES;
    }
  }

  private void refill() {
    for (int block = 0; block < CHUNK; block += 16) {
      LONG.set(counters, block, counterLow);
      LONG.set(counters, block + 8, counterHigh);
      if (++counterLow == 0) {
        counterHigh++;
      }
    }
    try {
      aes.update(counters, 0, CHUNK, keystream, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES failed", e);
    }
    position = 0;
  }
}
