package io.cohort.edge.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.cohort.proto.v1.Encoding;
import io.cohort.proto.v1.Manifest;
import io.cohort.proto.v1.ModelChunk;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class ChunkSizesTest {

  @Test
  void manifestIsParsedAndDataIsOnlyCounted() {
    Manifest manifest = Manifest.newBuilder().setEncoding(Encoding.FLOAT32).setTotalBytes(12)
        .setSha256("ab").build();
    ChunkSizes.Part first = ChunkSizes.read(new ByteArrayInputStream(
        ModelChunk.newBuilder().setManifest(manifest).build().toByteArray()));
    assertThat(first.manifest()).isEqualTo(manifest);
    assertThat(first.dataBytes()).isZero();

    byte[] data = new byte[300_000]; // longer than the reader's header buffer
    ChunkSizes.Part chunk = ChunkSizes.read(new ByteArrayInputStream(
        ModelChunk.newBuilder().setData(ByteString.copyFrom(data)).build().toByteArray()));
    assertThat(chunk.manifest()).isNull();
    assertThat(chunk.dataBytes()).isEqualTo(300_000);
  }

  @Test
  void truncatedChunkIsAnError() {
    byte[] whole = ModelChunk.newBuilder().setData(ByteString.copyFrom(new byte[1000])).build()
        .toByteArray();
    byte[] truncated = java.util.Arrays.copyOf(whole, 500);
    assertThatThrownBy(() -> ChunkSizes.read(new ByteArrayInputStream(truncated)))
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
            .isEqualTo(Status.Code.INTERNAL))
        .hasMessageContaining("unreadable model chunk");
  }
}
