package io.cohort.billing.stream;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/** A step of the usage pipeline: it forwards to the next step or to the dead-letter sink. */
abstract class UsageStep<V> implements Processor<String, V, String, Object> {

  protected final BillingSettings settings;
  protected final DeadLetterCounter counter;
  protected ProcessorContext<String, Object> context;
  protected DeadLetters deadLetters;

  UsageStep(BillingSettings settings, DeadLetterCounter counter) {
    this.settings = settings;
    this.counter = counter;
  }

  @Override
  public final void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.deadLetters = new DeadLetters(context, counter);
    open();
  }

  /** Looks up stores and schedules punctuations; {@link #context} is set. */
  void open() {}
}
