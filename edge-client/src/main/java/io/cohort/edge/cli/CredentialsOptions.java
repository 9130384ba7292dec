package io.cohort.edge.cli;

import io.cohort.model.identity.Credentials;
import io.cohort.model.identity.Identity;
import io.cohort.model.identity.Role;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How a command secures its connection: a credential bundle from {@code cohort provision}
 * (mutual TLS, the default), or plaintext only with an explicit {@code --insecure}. Shared by the
 * coordinator, the client and the operator commands.
 */
public final class CredentialsOptions {

  @Option(names = "--credentials", defaultValue = "${env:COHORT_CREDENTIALS}", paramLabel = "FILE",
      description = "Credential bundle from 'cohort provision' (certificate, key, CA) for"
          + " mutual TLS (env COHORT_CREDENTIALS). Required unless --insecure.")
  Path credentials;

  @Option(names = "--insecure", description = "Plaintext gRPC without certificates: anyone who"
      + " can reach the port can claim any identity. For local experiments only.")
  boolean insecure;

  public CredentialsOptions() {
  }

  /** Options already chosen (the demo and tests). */
  public CredentialsOptions(Path credentials, boolean insecure) {
    this.credentials = credentials;
    this.insecure = insecure;
  }

  /** The bundle file, or null when {@code --insecure}; validated as {@link #load}. */
  public Path bundle(PrintWriter err) {
    if (insecure) {
      if (credentials != null) {
        throw new IllegalArgumentException("--insecure and --credentials (or"
            + " COHORT_CREDENTIALS) are both set: choose one");
      }
      err.println("cohort: WARNING: --insecure: plaintext gRPC, no certificates; any caller can"
          + " claim any identity");
      err.flush();
      return null;
    }
    if (credentials == null) {
      throw new IllegalArgumentException("no credentials: pass --credentials FILE (a bundle from"
          + " 'cohort provision', or env COHORT_CREDENTIALS), or --insecure for plaintext");
    }
    return credentials;
  }

  /**
   * The bundle, checked to be for {@code role}; null when {@code --insecure} (after printing the
   * warning).
   */
  public Credentials load(Role role, PrintWriter err) {
    Path file = bundle(err);
    if (file == null) {
      return null;
    }
    Credentials c = Credentials.read(file);
    Identity who = c.identity();
    if (who.role() != role) {
      throw new IllegalArgumentException("--credentials " + file + " identify " + who + ", but"
          + " this command needs a certificate of role " + role.label());
    }
    return c;
  }
}
