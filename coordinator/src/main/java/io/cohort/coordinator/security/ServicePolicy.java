package io.cohort.coordinator.security;

import io.cohort.model.identity.Role;
import io.cohort.proto.v1.ApiKeyServiceGrpc;
import io.cohort.proto.v1.FederationServiceGrpc;
import io.cohort.proto.v1.InferenceServiceGrpc;
import io.cohort.proto.v1.OperatorServiceGrpc;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which certificate role each gRPC service needs. Services marked open take callers without a
 * certificate (health checks, reflection, and inference, whose consumers authenticate with API
 * keys); any service not named here is refused, so a new service is closed until given a rule.
 */
final class ServicePolicy {

  /** Services that do their own authentication, or none is needed. */
  static final Set<String> OPEN = Set.of("grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
      InferenceServiceGrpc.SERVICE_NAME);

  private static final Map<String, Role> REQUIRED = Map.of(
      FederationServiceGrpc.SERVICE_NAME, Role.NODE,
      OperatorServiceGrpc.SERVICE_NAME, Role.OPERATOR,
      // API keys are created, listed and revoked by operators only.
      ApiKeyServiceGrpc.SERVICE_NAME, Role.OPERATOR);

  private ServicePolicy() {
  }

  static boolean isOpen(String service) {
    return OPEN.contains(service);
  }

  /** The role a service needs; empty for services with no rule (refused). */
  static Optional<Role> required(String service) {
    return Optional.ofNullable(REQUIRED.get(service));
  }
}
