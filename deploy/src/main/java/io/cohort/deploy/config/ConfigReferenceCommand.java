package io.cohort.deploy.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cohort config-reference}: prints or writes docs/configuration.md. */
@Command(name = "config-reference", mixinStandardHelpOptions = true,
    header = "Prints the reference of every option of every command, generated from the code.",
    description = {"Each option with its environment variable, config-file key and default.",
        "Regenerate the docs with:",
        "  deploy/bin/cohort config-reference --out docs/configuration.md"})
public final class ConfigReferenceCommand implements Callable<Integer> {

  private final Supplier<CommandLine> tree;

  /** {@code tree} builds a fresh command tree (rendering switches off its interpolation). */
  public ConfigReferenceCommand(Supplier<CommandLine> tree) {
    this.tree = tree;
  }

  @Option(names = "--out", paramLabel = "FILE",
      description = "Write the page to FILE instead of standard output.")
  Path out;

  @Override
  public Integer call() throws IOException {
    String page = ConfigReference.render(tree.get());
    if (out == null) {
      System.out.print(page);
    } else {
      Files.writeString(out, page, StandardCharsets.UTF_8);
      System.out.println("wrote " + out);
    }
    return 0;
  }
}
