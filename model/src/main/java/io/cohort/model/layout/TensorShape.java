package io.cohort.model.layout;

import java.util.Arrays;

/** A named tensor with its dimensions, outermost first. */
public record TensorShape(String name, long[] dims) {

  public TensorShape {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("tensor name must not be blank");
    }
    dims = dims.clone();
    for (long d : dims) {
      if (d <= 0) {
        throw new IllegalArgumentException("tensor " + name + " has non-positive dimension " + d);
      }
    }
  }

  public long elements() {
    long n = 1;
    for (long d : dims) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorShape t && t.name.equals(name) && Arrays.equals(t.dims, dims);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(dims);
  }
}
