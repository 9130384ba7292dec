package io.cohort.model.layout;

import io.cohort.proto.v1.Encoding;
import io.cohort.proto.v1.Manifest;
import io.cohort.proto.v1.TensorSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ordered tensors of a model and where each starts in the flat parameter vector. All
 * parameter math in Cohort works on one flat {@code float[]} in this order; tensor boundaries only
 * matter at the edges (wire manifest, DJL blocks).
 */
public final class ParameterLayout {

  private final List<TensorShape> tensors;
  private final Map<String, Integer> offsets = new LinkedHashMap<>();
  private final int totalElements;

  public ParameterLayout(List<TensorShape> tensors) {
    this.tensors = List.copyOf(tensors);
    long offset = 0;
    for (TensorShape t : this.tensors) {
      if (offsets.put(t.name(), (int) offset) != null) {
        throw new IllegalArgumentException("duplicate tensor name " + t.name());
      }
      offset += t.elements();
      if (offset > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("model too large: more than 2^31 parameters");
      }
    }
    this.totalElements = (int) offset;
  }

  public List<TensorShape> tensors() {
    return tensors;
  }

  public int totalElements() {
    return totalElements;
  }

  public int offsetOf(String name) {
    Integer o = offsets.get(name);
    if (o == null) {
      throw new IllegalArgumentException("unknown tensor " + name);
    }
    return o;
  }

  public boolean contains(String name) {
    return offsets.containsKey(name);
  }

  /** The layout without the named tensors (the ones that are shipped in updates). */
  public ParameterLayout without(Collection<String> frozen) {
    Set<String> f = Set.copyOf(frozen);
    for (String name : f) {
      if (!contains(name)) {
        throw new IllegalArgumentException("frozen tensor " + name + " is not in the model");
      }
    }
    List<TensorShape> kept = new ArrayList<>();
    for (TensorShape t : tensors) {
      if (!f.contains(t.name())) {
        kept.add(t);
      }
    }
    return new ParameterLayout(kept);
  }

  /** Copies the values of this (sub)layout's tensors out of a vector laid out by {@code full}. */
  public float[] extractFrom(ParameterLayout full, float[] fullValues) {
    float[] out = new float[totalElements];
    int pos = 0;
    for (TensorShape t : tensors) {
      int n = (int) t.elements();
      System.arraycopy(fullValues, full.offsetOf(t.name()), out, pos, n);
      pos += n;
    }
    return out;
  }

  /** Adds {@code scale * values} (laid out by this sub-layout) into a vector laid out by {@code full}. */
  public void addInto(ParameterLayout full, float[] values, double scale, double[] fullTarget) {
    int pos = 0;
    for (TensorShape t : tensors) {
      int n = (int) t.elements();
      int base = full.offsetOf(t.name());
      for (int i = 0; i < n; i++) {
        fullTarget[base + i] += scale * values[pos + i];
      }
      pos += n;
    }
  }

  public Manifest toManifest(Encoding encoding, String sha256) {
    Manifest.Builder m = Manifest.newBuilder().setEncoding(encoding)
        .setTotalBytes((long) totalElements * bytesPerElement(encoding));
    if (sha256 != null) {
      m.setSha256(sha256);
    }
    for (TensorShape t : tensors) {
      TensorSpec.Builder s = TensorSpec.newBuilder().setName(t.name());
      for (long d : t.dims()) {
        s.addShape(d);
      }
      m.addTensors(s);
    }
    return m.build();
  }

  public static ParameterLayout fromManifest(Manifest manifest) {
    List<TensorShape> shapes = new ArrayList<>();
    for (TensorSpec s : manifest.getTensorsList()) {
      shapes.add(new TensorShape(s.getName(),
          s.getShapeList().stream().mapToLong(Long::longValue).toArray()));
    }
    return new ParameterLayout(shapes);
  }

  public static int bytesPerElement(Encoding encoding) {
    return switch (encoding) {
      case FLOAT32 -> 4;
      case FLOAT16 -> 2;
      default -> throw new IllegalArgumentException("unsupported encoding " + encoding);
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParameterLayout l && l.tensors.equals(tensors);
  }

  @Override
  public int hashCode() {
    return tensors.hashCode();
  }

  @Override
  public String toString() {
    return tensors.toString();
  }
}
