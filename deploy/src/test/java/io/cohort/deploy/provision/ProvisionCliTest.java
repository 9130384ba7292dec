package io.cohort.deploy.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.deploy.CohortMain;
import io.cohort.model.identity.Credentials;
import io.cohort.model.identity.Identity;
import io.cohort.model.identity.ProvisionDirectory;
import io.cohort.model.identity.RevocationList;
import io.cohort.model.identity.Role;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cohort provision} and {@code cohort provision revoke} as the compose files use them. */
class ProvisionCliTest {

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result cohort(String... args) {
    CommandLine cli = CohortMain.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString().trim());
  }

  @Test
  void provisionWritesOneBundlePerParticipantAndRevokeUpdatesTheCrl() {
    Path pki = dir.resolve("pki");
    Result r = cohort("provision", "--out", pki.toString(), "--coordinator-host", "127.0.0.1",
        "--coordinator-host", "coordinator", "--node", "cleveland", "--node", "hungary",
        "--operator", "alice", "--days", "10");

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("issued node:cleveland", "issued operator:alice",
        "issued coordinator:coordinator");
    for (String f : new String[] {"ca.pem", "ca-key.pem", "crl.pem", "coordinator.bundle.pem",
        "cleveland.bundle.pem", "hungary.bundle.pem", "alice.bundle.pem"}) {
      assertThat(pki.resolve(f)).exists();
    }
    Credentials hungary = Credentials.read(pki.resolve("hungary.bundle.pem"));
    assertThat(hungary.identity()).isEqualTo(new Identity("hungary", Role.NODE));
    RevocationList crl = new RevocationList(pki.resolve("crl.pem"), hungary.ca());
    assertThat(crl.isRevoked(hungary.certificate())).isFalse();

    Result revoked = cohort("provision", "revoke", "--out", pki.toString(), "--id", "hungary");

    assertThat(revoked.code()).isZero();
    assertThat(revoked.out()).contains("revoked hungary serial "
        + hungary.certificate().getSerialNumber().toString(16));
    assertThat(crl.isRevoked(hungary.certificate())).isTrue();
  }

  @Test
  void aClientCanOnlyJoinAsTheNodeItsCertificateNames() {
    Path pki = dir.resolve("pki");
    assertThat(cohort("provision", "--out", pki.toString(), "--node", "cleveland").code())
        .isZero();

    Result r = cohort("client", "--node", "hungary", "--coordinator", "127.0.0.1:1",
        "--simulate-elements", "10", "--simulate-input-features", "3", "--credentials",
        pki.resolve("cleveland.bundle.pem").toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("cohort: --credentials identify node:cleveland, not --node"
        + " hungary: a node can only join as itself");
  }

  @Test
  void theCoordinatorNeedsItsOwnBundleUnlessToldToBeInsecure() {
    Path pki = dir.resolve("pki");
    assertThat(cohort("provision", "--out", pki.toString(), "--node", "cleveland").code())
        .isZero();
    String data = dir.resolve("data").toString();

    Result none = cohort("coordinator", "--port", "0", "--http-port", "-1", "--data-dir", data);
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).startsWith("cohort: no credentials: pass --credentials FILE");

    Result nodeBundle = cohort("coordinator", "--port", "0", "--http-port", "-1", "--data-dir",
        data, "--credentials", pki.resolve("cleveland.bundle.pem").toString());
    assertThat(nodeBundle.code()).isEqualTo(2);
    assertThat(nodeBundle.err()).contains("are for node:cleveland, not a coordinator")
        .doesNotContain("\n");
  }

  @Test
  void badInputIsOneLineExit2AndWritesNothing() throws Exception {
    Path pki = dir.resolve("pki");
    Result noOut = cohort("provision", "--node", "a");
    assertThat(noOut.code()).isEqualTo(2);
    assertThat(noOut.err()).isEqualTo("cohort: --out DIR is required");

    Result badId = cohort("provision", "--out", pki.toString(), "--node", "Not OK");
    assertThat(badId.code()).isEqualTo(2);
    assertThat(badId.err()).startsWith("cohort: id must match").doesNotContain("\n");
    assertThat(Files.exists(pki)).isFalse();

    Result unknown = cohort("provision", "revoke", "--out", pki.toString(), "--id", "a");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("no certificate authority in");
    assertThat(new ProvisionDirectory(pki).caFile()).doesNotExist();
  }
}
