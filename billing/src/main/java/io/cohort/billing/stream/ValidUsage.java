package io.cohort.billing.stream;

import io.cohort.proto.v1.ConsumerAccountEvent;
import io.cohort.proto.v1.ModelVersionEvent;
import io.cohort.proto.v1.UsageEvent;

/** A usage event that passed validation, with the version and account it is priced by. */
record ValidUsage(UsageEvent usage, ModelVersionEvent version, ConsumerAccountEvent account) {}
