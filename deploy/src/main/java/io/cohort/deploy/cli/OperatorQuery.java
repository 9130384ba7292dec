package io.cohort.deploy.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** An operator command that reads from the coordinator and prints a table, or JSON. */
abstract class OperatorQuery implements Callable<Integer> {

  @Mixin CoordinatorAddress at;

  @Option(names = "--json", description = "Print the coordinator's answer as JSON (protobuf's"
      + " JSON mapping of the response message).")
  boolean json;

  @Spec CommandSpec spec;

  /** Asks the coordinator and prints the answer. */
  abstract void query(OperatorClient client, PrintWriter out)
      throws InvalidProtocolBufferException;

  /** Prints {@code answer} as JSON if --json was given; returns whether it did. */
  boolean printedAsJson(MessageOrBuilder answer, PrintWriter out)
      throws InvalidProtocolBufferException {
    if (json) {
      out.println(JsonFormat.printer().print(answer));
    }
    return json;
  }

  @Override
  public Integer call() throws InvalidProtocolBufferException {
    PrintWriter out = spec.commandLine().getOut();
    try (OperatorClient client = at.connect()) {
      query(client, out);
      out.flush();
      return 0;
    }
  }
}
