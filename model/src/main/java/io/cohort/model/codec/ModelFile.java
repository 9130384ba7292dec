package io.cohort.model.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.Encoding;
import io.cohort.proto.v1.Manifest;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A model file ({@code .cohortmodel}): the magic {@code COHORTM1}, a 4-byte big-endian manifest
 * length, the {@link Manifest} protobuf, then the float32 payload it describes. Operators use it
 * to start a federation from a base model and to export a version.
 */
public final class ModelFile {

  private static final byte[] MAGIC = "COHORTM1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private ModelFile() {}

  public static void write(Path file, ParameterLayout layout, float[] values) {
    EncodedPayload encoded = EncodedPayload.of(values, Encoding.FLOAT32);
    byte[] payload = encoded.bytes();
    byte[] manifest = layout.toManifest(Encoding.FLOAT32, encoded.sha256()).toByteArray();
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      out.writeInt(manifest.length);
      out.write(manifest);
      out.write(payload);
      Files.write(file, bytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model file " + file, e);
    }
  }

  /**
   * Reads a model file and checks it against the layout the federation expects.
   *
   * @throws IllegalArgumentException naming what does not match
   */
  public static float[] read(Path file, ParameterLayout expected) {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IllegalArgumentException("model file " + file + " is not a .cohortmodel file");
      }
      int len = in.readInt();
      if (len < 0 || len > 64 << 20) {
        throw new IllegalArgumentException("model file " + file + " has a corrupt header");
      }
      Manifest manifest = Manifest.parseFrom(in.readNBytes(len));
      ParameterLayout layout = ParameterLayout.fromManifest(manifest);
      if (!layout.equals(expected)) {
        throw new IllegalArgumentException("model file " + file + " has tensors " + layout
            + " but the federation's model needs " + expected);
      }
      byte[] payload = in.readAllBytes();
      PayloadDecoder decoder = new PayloadDecoder(manifest.getEncoding(),
          layout.totalElements(), null);
      decoder.accept(payload, 0, payload.length);
      return decoder.finish(manifest.getSha256());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("model file " + file + " has a corrupt manifest", e);
    } catch (PayloadException e) {
      throw new IllegalArgumentException("model file " + file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read model file " + file + ": " + e, e);
    }
  }
}
