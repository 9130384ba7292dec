package io.cohort.billing.pricing;

/**
 * Sets the list price of a model version from its measured quality. The coordinator applies it
 * when it publishes a {@code ModelVersionEvent}; billing charges the published price.
 */
public interface ListPriceRule {

  /**
   * @param quality the version's validation metric (accuracy or AUC), in [0, 1]
   * @return list price per 1,000 predictions in micro-units, non-negative
   */
  long pricePer1000Micros(double quality);
}
