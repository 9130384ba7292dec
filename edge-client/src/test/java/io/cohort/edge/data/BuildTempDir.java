package io.cohort.edge.data;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Temporary directories under {@code java.io.tmpdir}, creating that folder first: the build
 * points it at {@code target/tmp}, which does not exist in a fresh checkout.
 */
class BuildTempDir implements TempDirFactory {

  @Override
  public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context)
      throws Exception {
    Path root = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    return Files.createTempDirectory(root, "junit");
  }
}
