package io.cohort.deploy.cli;

import io.cohort.deploy.UserError;
import io.cohort.proto.v1.ApiKeyInfo;
import io.cohort.proto.v1.ApiKeyServiceGrpc;
import io.cohort.proto.v1.ApiPlan;
import io.cohort.proto.v1.CreateApiKeyRequest;
import io.cohort.proto.v1.CreateApiKeyResponse;
import io.cohort.proto.v1.ListApiKeysRequest;
import io.cohort.proto.v1.RevokeApiKeyRequest;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cohort keys create|list|revoke}: consumers' API keys (operator only). */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Creates, lists and revokes consumers' API keys (operator only).",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class,
        KeysCommand.Revoke.class})
public final class KeysCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Creates a key and prints it once; only its SHA-256 is stored.")
  static final class Create implements Callable<Integer> {
    @Mixin CoordinatorAddress at;
    @Option(names = "--consumer", required = true,
        description = "Consumer account the key bills to (1-64 of A-Z a-z 0-9 . _ -).")
    String consumer;
    @Option(names = "--plan", defaultValue = "payg",
        description = "payg (pay per use) or subscription (default ${DEFAULT-VALUE}).")
    String plan;
    @Option(names = "--public-benefit",
        description = "Public-interest consumer: billed with the public-benefit discount.")
    boolean publicBenefit;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      ApiPlan p = switch (plan) {
        case "payg" -> ApiPlan.PAYG;
        case "subscription" -> ApiPlan.SUBSCRIPTION_PLAN;
        default -> throw new UserError("--plan: use payg or subscription, got '" + plan + "'");
      };
      try (ConsumerCalls calls = new ConsumerCalls(at.coordinator)) {
        var stub = calls.prepare(ApiKeyServiceGrpc.newBlockingStub(calls.channel()), null);
        CreateApiKeyResponse r = calls.call(() -> stub.createApiKey(CreateApiKeyRequest
            .newBuilder().setConsumerId(consumer).setPlan(p).setPublicBenefit(publicBenefit)
            .build()));
        PrintWriter out = spec.commandLine().getOut();
        out.println(r.getApiKey());
        out.println("key id " + r.getInfo().getKeyId() + " for consumer " + consumer + " ("
            + plan + (publicBenefit ? ", public benefit" : "") + "); the key is shown only"
            + " once, store it now");
        out.flush();
        return 0;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists keys (id, consumer, plan, created, revoked); never the secret.")
  static final class ListKeys implements Callable<Integer> {
    @Mixin CoordinatorAddress at;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (ConsumerCalls calls = new ConsumerCalls(at.coordinator)) {
        var stub = calls.prepare(ApiKeyServiceGrpc.newBlockingStub(calls.channel()), null);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-12s  %-20s  %-12s  %-24s  %s%n", "KEY ID", "CONSUMER", "PLAN", "CREATED",
            "STATUS");
        for (ApiKeyInfo k : calls.call(() -> stub.listApiKeys(ListApiKeysRequest
            .getDefaultInstance())).getKeysList()) {
          out.printf("%-12s  %-20s  %-12s  %-24s  %s%n", k.getKeyId(), k.getConsumerId(),
              k.getPlan() == ApiPlan.SUBSCRIPTION_PLAN ? "subscription" : "payg",
              Instant.ofEpochMilli(k.getCreatedAtMs()), k.getRevokedAtMs() == 0 ? "active"
                  : "revoked " + Instant.ofEpochMilli(k.getRevokedAtMs()));
        }
        out.flush();
        return 0;
      }
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revokes a key at once; requests with it then get UNAUTHENTICATED.")
  static final class Revoke implements Callable<Integer> {
    @Mixin CoordinatorAddress at;
    @Parameters(paramLabel = "KEY_ID", description = "Key id as listed by 'cohort keys list'.")
    String keyId;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (ConsumerCalls calls = new ConsumerCalls(at.coordinator)) {
        var stub = calls.prepare(ApiKeyServiceGrpc.newBlockingStub(calls.channel()), null);
        ApiKeyInfo k = calls.call(() -> stub.revokeApiKey(RevokeApiKeyRequest.newBuilder()
            .setKeyId(keyId).build()));
        spec.commandLine().getOut().println("revoked key " + k.getKeyId() + " of consumer "
            + k.getConsumerId());
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }
}
