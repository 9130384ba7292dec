package io.cohort.model.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvisionDirectoryTest {

  @TempDir
  Path dir;

  @Test
  void bundlesCarryIdRoleAndTheCaThatIssuedThem() throws Exception {
    ProvisionDirectory p = new ProvisionDirectory(dir);
    List<ProvisionDirectory.Issued> issued = p.provision(List.of("127.0.0.1", "coordinator"),
        List.of("cleveland"), List.of("alice"), 30);

    assertThat(issued).extracting(i -> i.identity().toString())
        .containsExactly("coordinator:coordinator", "node:cleveland", "operator:alice");
    Credentials node = Credentials.read(p.bundle("cleveland"));
    assertThat(node.identity()).isEqualTo(new Identity("cleveland", Role.NODE));
    node.certificate().verify(p.caCertificate().getPublicKey());
    assertThat(node.ca()).isEqualTo(p.caCertificate());
    assertThat(node.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    Credentials coordinator = Credentials.read(p.bundle("coordinator"));
    assertThat(coordinator.certificate().getSubjectAlternativeNames())
        .extracting(n -> (Object) n.get(1)).containsExactly("127.0.0.1", "coordinator");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p.caKeyFile())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        p.bundle("alice")))).isEqualTo("rw-------");
    assertThat(Files.readString(p.caFile())).doesNotContain("PRIVATE KEY");
  }

  @Test
  void revokingAnIdPutsItsCertificatesOnTheWatchedList() {
    ProvisionDirectory p = new ProvisionDirectory(dir);
    p.provision(List.of(), List.of("a", "b"), List.of(), 30);
    RevocationList crl = new RevocationList(p.crlFile(), p.caCertificate());
    Credentials a = Credentials.read(p.bundle("a"));
    Credentials b = Credentials.read(p.bundle("b"));
    assertThat(crl.isRevoked(a.certificate())).isFalse();

    assertThat(p.revoke("a")).containsExactly(a.certificate().getSerialNumber());

    assertThat(crl.isRevoked(a.certificate())).isTrue();
    assertThat(crl.isRevoked(b.certificate())).isFalse();
    assertThat(p.revoke("a")).isEmpty();
  }

  @Test
  void aSecondRunReusesTheCa() {
    ProvisionDirectory p = new ProvisionDirectory(dir);
    p.provision(List.of(), List.of("a"), List.of(), 30);
    var ca = p.caCertificate();
    p.provision(List.of(), List.of("b"), List.of(), 30);
    assertThat(p.caCertificate()).isEqualTo(ca);
    assertThat(Credentials.read(p.bundle("b")).ca()).isEqualTo(ca);
  }

  @Test
  void anIdKeepsItsRoleAcrossRunsAndReissuingRotatesItsKey() {
    ProvisionDirectory p = new ProvisionDirectory(dir);
    p.provision(List.of(), List.of("a"), List.of(), 30);
    Credentials first = Credentials.read(p.bundle("a"));

    assertThatThrownBy(() -> p.provision(List.of(), List.of(), List.of("a"), 30))
        .hasMessageContaining("'a' was issued as node");
    p.provision(List.of(), List.of("a"), List.of(), 30);

    Credentials second = Credentials.read(p.bundle("a"));
    assertThat(second.certificate().getSerialNumber())
        .isNotEqualTo(first.certificate().getSerialNumber());
    assertThat(second.certificate().getPublicKey()).isNotEqualTo(
        first.certificate().getPublicKey());
    assertThat(p.revoke("a")).containsExactlyInAnyOrder(first.certificate().getSerialNumber(),
        second.certificate().getSerialNumber());
  }

  @Test
  void badInputIsRefusedBeforeAnythingIsWritten() {
    ProvisionDirectory p = new ProvisionDirectory(dir);
    assertThatThrownBy(() -> p.provision(List.of(), List.of("Bad Id"), List.of(), 30))
        .hasMessageContaining("[a-z0-9_-]{1,64}");
    assertThatThrownBy(() -> p.provision(List.of(), List.of("x"), List.of("x"), 30))
        .hasMessageContaining("'x' is given twice");
    assertThatThrownBy(() -> p.revoke("x")).hasMessageContaining("no certificate authority");
    assertThat(dir).isEmptyDirectory();
  }
}
