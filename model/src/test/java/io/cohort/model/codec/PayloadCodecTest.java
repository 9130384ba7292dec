package io.cohort.model.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cohort.proto.v1.Encoding;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The parameter codec: exact float32 round trips, float16 rounding, streaming checks. */
class PayloadCodecTest {

  static float[] randomValues(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  @Property(tries = 200)
  void float32RoundTripIsExactWhateverTheChunking(@ForAll @IntRange(min = 1, max = 300) int n,
      @ForAll @IntRange(min = 1, max = 17) int chunk) {
    float[] values = randomValues(n, n * 31L + chunk);
    byte[] payload = PayloadEncoder.encode(values, Encoding.FLOAT32);
    PayloadDecoder decoder = new PayloadDecoder(Encoding.FLOAT32, n, null);
    for (int off = 0; off < payload.length; off += chunk) {
      decoder.accept(payload, off, Math.min(chunk, payload.length - off));
    }
    assertThat(decoder.finish(Sha256.of(payload))).containsExactly(values);
    double norm = Math.sqrt(Arrays.stream(toDoubles(values)).map(x -> x * x).sum());
    assertThat(decoder.l2Norm()).isCloseTo(norm, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Property(tries = 200)
  void bufferSlicesDecodeLikeByteArraySlices(@ForAll @IntRange(min = 1, max = 300) int n,
      @ForAll @IntRange(min = 1, max = 17) int chunk, @ForAll boolean float16) {
    Encoding encoding = float16 ? Encoding.FLOAT16 : Encoding.FLOAT32;
    float[] values = randomValues(n, n * 17L + chunk);
    byte[] payload = PayloadEncoder.encode(values, encoding);
    PayloadDecoder reference = new PayloadDecoder(encoding, n, null);
    reference.accept(payload, 0, payload.length);
    PayloadDecoder buffered = new PayloadDecoder(encoding, n, null);
    for (int off = 0; off < payload.length; off += chunk) {
      buffered.accept(java.nio.ByteBuffer.wrap(payload, off,
          Math.min(chunk, payload.length - off)));
    }
    assertThat(buffered.finish(Sha256.of(payload))).containsExactly(reference.finish(null));
    // The bulk path sums squares in float lanes: a few significant digits, not all of double's.
    assertThat(buffered.l2Norm()).isCloseTo(reference.l2Norm(),
        org.assertj.core.data.Percentage.withPercentage(1e-4));
  }

  @Test
  void bulkNormStaysExactInMagnitudeWhereFloatSquaresOverflow() {
    float[] values = new float[10_000];
    Arrays.fill(values, 1e20f); // each square overflows float, not double
    byte[] payload = PayloadEncoder.encode(values, Encoding.FLOAT32);
    PayloadDecoder decoder = new PayloadDecoder(Encoding.FLOAT32, values.length, null);
    decoder.accept(java.nio.ByteBuffer.wrap(payload));
    decoder.finish(null);
    assertThat(decoder.l2Norm()).isCloseTo(1e22,
        org.assertj.core.data.Percentage.withPercentage(1e-4));
  }

  @Test
  void crc32cPayloadsAreVerifiedWithCrc32c() {
    float[] values = randomValues(1000, 5);
    EncodedPayload encoded = EncodedPayload.of(values, Encoding.FLOAT32);
    String crc = PayloadChecksum.crc32cHex(encoded.crc32c());
    PayloadDecoder good = new PayloadDecoder(Encoding.FLOAT32, values.length, null,
        PayloadChecksum.CRC32C);
    good.accept(java.nio.ByteBuffer.wrap(encoded.bytes()));
    assertThat(good.finish(crc)).containsExactly(values);
    assertThat(good.digest()).isEqualTo(crc).hasSize(8);

    byte[] corrupted = encoded.bytes().clone();
    corrupted[100] ^= 1;
    PayloadDecoder bad = new PayloadDecoder(Encoding.FLOAT32, values.length, null,
        PayloadChecksum.CRC32C);
    bad.accept(corrupted, 0, corrupted.length);
    assertThatThrownBy(() -> bad.finish(crc)).isInstanceOf(PayloadChecksumException.class)
        .hasMessageContaining("crc32c").hasMessageContaining(crc);
  }

  @Test
  void bufferSliceWithANonFiniteValueIsRefused() {
    float[] values = {1f, Float.NaN, 2f};
    byte[] payload = PayloadEncoder.encode(values, Encoding.FLOAT32);
    PayloadDecoder decoder = new PayloadDecoder(Encoding.FLOAT32, 3, null);
    assertThatThrownBy(() -> decoder.accept(java.nio.ByteBuffer.wrap(payload)))
        .isInstanceOf(PayloadException.class).hasMessageContaining("non-finite value NaN at"
            + " element 1");
  }

  @Test
  void bufferSliceLongerThanTheManifestIsRefused() {
    byte[] payload = PayloadEncoder.encode(new float[4], Encoding.FLOAT32);
    PayloadDecoder decoder = new PayloadDecoder(Encoding.FLOAT32, 3, null);
    assertThatThrownBy(() -> decoder.accept(java.nio.ByteBuffer.wrap(payload)))
        .isInstanceOf(PayloadException.class).hasMessageContaining("longer than its manifest");
  }

  @Property(tries = 500)
  void float16KeepsElevenSignificantBits(@ForAll @FloatRange(min = -60000, max = 60000) float v) {
    float back = Float16.toFloat(Float16.fromFloat(v));
    assertThat(Math.abs(back - v)).isLessThanOrEqualTo(Math.max(Math.abs(v) / 2048f, 6e-8f));
  }

  @Test
  void float16HandlesSpecialValues() {
    assertThat(Float16.toFloat(Float16.fromFloat(0f))).isEqualTo(0f);
    assertThat(Float16.toFloat(Float16.fromFloat(1f))).isEqualTo(1f);
    assertThat(Float16.toFloat(Float16.fromFloat(-2.5f))).isEqualTo(-2.5f);
    assertThat(Float16.toFloat(Float16.fromFloat(65504f))).isEqualTo(65504f);
    assertThat(Float16.toFloat(Float16.fromFloat(1e6f))).isInfinite();
    assertThat(Float16.toFloat(Float16.fromFloat(Float.NaN))).isNaN();
    assertThat(Float16.toFloat(Float16.fromFloat(6e-8f))).isCloseTo(5.96e-8f,
        org.assertj.core.data.Offset.offset(1e-9f));
  }

  @Test
  void float16PayloadHalvesTheBytesAndDecodesCloseToTheOriginal() {
    float[] values = randomValues(1000, 1);
    byte[] payload = PayloadEncoder.encode(values, Encoding.FLOAT16);
    assertThat(payload).hasSize(2000);
    float[] back = PayloadEncoder.decode(payload, Encoding.FLOAT16);
    for (int i = 0; i < values.length; i++) {
      assertThat(back[i]).isCloseTo(values[i], org.assertj.core.data.Offset.offset(2e-3f));
    }
  }

  @Test
  void nonFiniteValueIsRefusedWithItsPosition() {
    float[] values = {1f, 2f, Float.POSITIVE_INFINITY, 4f};
    byte[] payload = PayloadEncoder.encode(values, Encoding.FLOAT32);
    PayloadDecoder decoder = new PayloadDecoder(Encoding.FLOAT32, 4, null);
    assertThatThrownBy(() -> decoder.accept(payload, 0, payload.length))
        .isInstanceOf(PayloadException.class).hasMessageContaining("non-finite value Infinity at element 2");
  }

  @Test
  void payloadLongerThanItsManifestIsRefusedAsSoonAsItGrowsPast() {
    byte[] payload = PayloadEncoder.encode(new float[5], Encoding.FLOAT32);
    PayloadDecoder decoder = new PayloadDecoder(Encoding.FLOAT32, 4, null);
    assertThatThrownBy(() -> decoder.accept(payload, 0, payload.length))
        .isInstanceOf(PayloadException.class).hasMessageContaining("longer than its manifest");
  }

  @Test
  void shortPayloadAndWrongChecksumAreRefusedAtTheEnd() {
    byte[] payload = PayloadEncoder.encode(new float[] {1f, 2f}, Encoding.FLOAT32);
    PayloadDecoder shortOne = new PayloadDecoder(Encoding.FLOAT32, 3, null);
    shortOne.accept(payload, 0, payload.length);
    assertThatThrownBy(() -> shortOne.finish(null)).isInstanceOf(PayloadException.class)
        .hasMessageContaining("shorter than its manifest: 8 of 12 bytes");

    PayloadDecoder tampered = new PayloadDecoder(Encoding.FLOAT32, 2, null);
    tampered.accept(payload, 0, payload.length);
    assertThatThrownBy(() -> tampered.finish(Sha256.of(new byte[] {1})))
        .isInstanceOf(PayloadChecksumException.class).hasMessageContaining("checksum mismatch");
  }

  private static double[] toDoubles(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
