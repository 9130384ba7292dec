package io.cohort.coordinator.aggregation;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.DoubleSupplier;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard normal samples for {@link CentralDp}'s noise, from a cryptographically secure stream:
 * the AES-256-CTR keystream under a key and initial counter drawn from {@link SecureRandom} when
 * the object is made (as in NIST's CTR_DRBG). The key is never stored, logged or saved; a restarted
 * coordinator draws a new one.
 *
 * <p>Why not {@code SecureRandom.nextGaussian()}: it pulls 4 bytes at a time through a
 * synchronized DRBG call and costs microseconds per sample, seconds per round for a model of a
 * million parameters. A statistical generator (xoshiro, L64X256MixRandom) seeded once would be
 * fast but its state could in principle be recovered from outputs, which would let the noise be
 * subtracted. AES-CTR is both fast (hardware AES) and unpredictable without the key.
 *
 * <p>Samples come from the Box-Muller transform of two 53-bit uniforms, in pairs. Not thread-safe:
 * {@link CentralDp} uses it under its lock.
 */
final class SecureGaussianNoise implements DoubleSupplier {

  /** Keystream bytes produced per cipher call. */
  private static final int BLOCK_BYTES = 1 << 14;
  private static final double TWO_PI = 2 * Math.PI;

  private final Cipher cipher;
  private final byte[] zeros = new byte[BLOCK_BYTES];
  private final ByteBuffer stream =
      ByteBuffer.allocate(BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN).position(BLOCK_BYTES);
  private double spare;
  private boolean hasSpare;

  /** A stream keyed from a new {@link SecureRandom}. */
  SecureGaussianNoise() {
    this(new SecureRandom());
  }

  /**
   * A stream keyed from {@code seeds}.
   *
   * @throws IllegalStateException if the platform lacks AES/CTR (every Java SE has it)
   */
  SecureGaussianNoise(SecureRandom seeds) {
    byte[] key = new byte[32];
    byte[] counter = new byte[16];
    seeds.nextBytes(key);
    seeds.nextBytes(counter);
    try {
      cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"),
          new IvParameterSpec(counter));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR is not available for DP noise", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** One standard normal sample. */
  @Override
  public double getAsDouble() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    double radius = Math.sqrt(-2 * Math.log(uniformExcludingZero()));
    double angle = TWO_PI * ((nextLong() >>> 11) * 0x1.0p-53);
    spare = radius * Math.sin(angle);
    hasSpare = true;
    return radius * Math.cos(angle);
  }

  /** Uniform on {@code (0, 1]} with 53 random bits, so that its log is finite. */
  private double uniformExcludingZero() {
    return ((nextLong() >>> 11) + 1) * 0x1.0p-53;
  }

  private long nextLong() {
    if (stream.remaining() < Long.BYTES) {
      try {
        cipher.update(zeros, 0, BLOCK_BYTES, stream.array(), 0);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES/CTR keystream failed", e);
      }
      stream.clear();
    }
    return stream.getLong();
  }
}
