package io.cohort.deploy.provision;

import io.cohort.model.identity.Pem;
import io.cohort.model.identity.ProvisionDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cohort provision}: a federation's CA and one credential bundle per participant. */
@Command(name = "provision", mixinStandardHelpOptions = true,
    header = "Creates a federation's CA, credential bundles and revocation list.",
    subcommands = ProvisionCommand.Revoke.class,
    description = {"Creates a federation's certificate authority (or reuses the one in --out)",
        "and issues credential bundles: DIR/<id>.bundle.pem holds the certificate, its private",
        "key (keep it secret) and the CA certificate; pass it with --credentials. Also writes",
        "DIR/ca.pem, DIR/ca-key.pem (0600: keep it offline), DIR/crl.pem (revocation list) and",
        "DIR/issued.tsv. Roles: --coordinator-host issues coordinator.bundle.pem, a TLS server",
        "certificate for those names; --node and --operator issue client certificates whose",
        "subject (CN=id, OU=role) is the identity the coordinator authorizes."})
public final class ProvisionCommand implements Callable<Integer> {

  @Option(names = "--out", paramLabel = "DIR",
      description = "Provisioning directory (created if missing).")
  Path out;

  @Option(names = "--coordinator-host", paramLabel = "HOST", description = "DNS name or IP"
      + " address clients use to reach the coordinator (repeatable; each becomes a subject"
      + " alternative name).")
  List<String> hosts = new ArrayList<>();

  @Option(names = "--node", paramLabel = "ID", description = "Node id to issue a bundle for"
      + " (repeatable), [a-z0-9_-]{1,64}.")
  List<String> nodes = new ArrayList<>();

  @Option(names = "--operator", paramLabel = "ID", description = "Operator id to issue a bundle"
      + " for (repeatable).")
  List<String> operators = new ArrayList<>();

  @Option(names = "--days", paramLabel = "N", defaultValue = "365",
      description = "Validity of the issued"
      + " certificates in days (default ${DEFAULT-VALUE}; the CA gets at least 10 years).")
  int days;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    if (out == null) {
      throw new IllegalArgumentException("--out DIR is required");
    }
    if (hosts.isEmpty() && nodes.isEmpty() && operators.isEmpty()) {
      throw new IllegalArgumentException("nothing to issue: give --coordinator-host, --node or"
          + " --operator");
    }
    ProvisionDirectory dir = new ProvisionDirectory(out);
    List<ProvisionDirectory.Issued> issued = dir.provision(hosts, nodes, operators, days);
    var w = spec.commandLine().getOut();
    w.println("CA " + dir.caFile() + " sha256 " + Pem.fingerprint(dir.caCertificate()));
    for (ProvisionDirectory.Issued i : issued) {
      w.println("issued " + i.identity() + " serial " + i.serial().toString(16) + " -> "
          + i.bundle());
    }
    w.flush();
    return 0;
  }

  /** {@code cohort provision revoke}: puts an id's certificates on the revocation list. */
  @Command(name = "revoke", mixinStandardHelpOptions = true,
      header = "Revokes an id's certificates and re-signs the revocation list.",
      description = {"Revokes every certificate issued to --id and re-signs DIR/crl.pem. A",
          "coordinator started with that crl.pem refuses the certificate from the next",
          "connection or call on (no restart). To rotate: revoke, then provision the id again."})
  static final class Revoke implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", required = true,
        description = "Provisioning directory.")
    Path out;

    @Option(names = "--id", paramLabel = "ID", required = true,
        description = "Id whose certificates to revoke.")
    String id;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      List<java.math.BigInteger> serials = new ProvisionDirectory(out).revoke(id);
      var w = spec.commandLine().getOut();
      if (serials.isEmpty()) {
        w.println(id + ": already revoked; " + out.resolve("crl.pem") + " unchanged");
      }
      for (var s : serials) {
        w.println("revoked " + id + " serial " + s.toString(16) + " in " + out.resolve("crl.pem"));
      }
      w.flush();
      return 0;
    }
  }
}
