package io.cohort.coordinator.aggregation;

import io.cohort.model.privacy.PrivacyAccountant;
import io.cohort.proto.v1.TrainConfig;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Central, user-level differential privacy in front of a sample-weighted strategy (FedAvg,
 * FedAvgM, FedProx, FedAdam, FedYogi, FedAdagrad): DP-FedAvg of McMahan, Ramage, Talwar and Zhang
 * 2018 ("Learning Differentially Private Recurrent Language Models", ICLR, arXiv:1710.06963), with
 * the adaptive clipping of Andrew, Thakkar, McMahan and Ramaswamy 2021 ("Differentially Private
 * Learning with Adaptive Clipping", NeurIPS, arXiv:1905.03871) as an option. Turned on by the
 * {@code central_dp_*} strategy parameters ({@link CentralDpSettings}).
 *
 * <p>Each round:
 * <ol>
 *   <li>every verified update is clipped to L2 norm S ({@code delta * min(1, S / ||delta||)}) and
 *       summed with weight 1, streaming ({@link ClippingAccumulator});</li>
 *   <li>the sum gets Gaussian noise of std {@code z_delta * S} per parameter and is divided by the
 *       fixed expected number of clients m: the noised mean {@code (sum + N(0, (z_delta S)^2)) /
 *       m};</li>
 *   <li>the wrapped server optimizer takes its usual step with that mean, so FedAvgM's momentum or
 *       FedAdam's moments work on the private estimate (post-processing: no extra privacy
 *       cost);</li>
 *   <li>with adaptive clipping, S moves towards the target quantile gamma of the update norms by
 *       the geometric rule {@code S = S * exp(-eta_C * (b - gamma))}, where {@code b} is the noised
 *       fraction of unclipped updates {@code (sum_i (1[||delta_i|| <= S] - 1/2) + N(0,
 *       sigma_b^2)) / m + 1/2}, clamped to [0, 1] (the centred count of TF-Privacy's
 *       {@code QuantileEstimatorQuery}, whose sensitivity is 1/2);</li>
 *   <li>the round is recorded by the {@link CentralDpAccountant} at rate
 *       {@code q = selected / eligible} nodes and noise multiplier z.</li>
 * </ol>
 * With a fixed clip {@code z_delta = z}; with adaptive clipping {@code z_delta = (z^-2 - (2
 * sigma_b)^-2)^(-1/2)}, so that sum and count together are exactly as private as one Gaussian
 * query with multiplier z (Andrew et al., Theorem 1).
 *
 * <p><b>Why uniform weights.</b> The wrapped strategies weight updates by sample count. Under DP
 * that leaks and breaks the bound: a node's weight depends on its private dataset size and a node
 * with many records would move the sum by more than S. Every node therefore counts once, and the
 * sensitivity of the sum to adding or removing one node (a whole hospital) is exactly S. Dividing
 * by the fixed m rather than by the number of updates received keeps the denominator
 * data-independent (McMahan et al.'s fixed-denominator estimator); when fewer than m updates
 * arrive the step is shrunk accordingly.
 *
 * <p><b>What is protected.</b> The released models (and the published clip S and noised fraction),
 * against anyone who receives them: they are (epsilon, delta)-DP with respect to any one node's
 * entire participation. The coordinator itself sees every update in the clear; central DP does not
 * protect against it. The record-level DP-SGD of the edge clients does, and composes with this.
 *
 * <p><b>Sampling rate.</b> The accountant needs q for each round, which the strategy cannot see:
 * the round engine calls {@link #roundSampling(int, int)} after selecting nodes and before
 * {@link #finishRound}. A round finished without it is counted at q = 1, which over-states rather
 * than under-states epsilon.
 *
 * <p><b>State</b> ({@link #saveState()}): S, the rounds, the accountant's phases, the last noised
 * fraction and the wrapped optimizer's state; see {@link #saveState()} for the layout. The noise
 * key is never saved.
 *
 * <p>Thread-safe: {@link UpdateAccumulator#add} may run concurrently; the other methods
 * synchronize on this object.
 */
public final class CentralDp implements Strategy {

  /** Bounds that keep an adaptive S a usable positive number whatever the updates do. */
  static final double MIN_CLIP = 1e-12;
  static final double MAX_CLIP = 1e12;

  private static final int VERSION = 1;
  private static final byte[] MAGIC = {'C', 'C', 'D', 'P'};

  private final CentralDpSettings settings;
  private final ServerOptimizer optimizer;
  private final DoubleSupplier standardNormal;
  private CentralDpAccountant accountant;
  private double clip;
  private double unclippedFraction = Double.NaN;
  private double pendingSamplingRate = Double.NaN;

  /** Central DP with noise from a {@link SecureGaussianNoise} keyed now. */
  public CentralDp(CentralDpSettings settings, ServerOptimizer optimizer) {
    this(settings, optimizer, new SecureGaussianNoise());
  }

  /** For tests: noise from {@code standardNormal}, which must return N(0, 1) samples. */
  CentralDp(CentralDpSettings settings, ServerOptimizer optimizer,
      DoubleSupplier standardNormal) {
    this.settings = settings;
    this.optimizer = optimizer;
    this.standardNormal = standardNormal;
    this.accountant = new CentralDpAccountant(settings.noiseMultiplier());
    this.clip = settings.clip();
  }

  /** The wrapped strategy's name: the spec's {@code strategy} is unchanged by central DP. */
  @Override
  public String name() {
    return optimizer.name();
  }

  @Override
  public TrainConfig configureRound(int round, TrainConfig base) {
    return optimizer.configureRound(round, base);
  }

  /** An accumulator that clips to the current S. */
  @Override
  public synchronized UpdateAccumulator newAccumulator(int elements) {
    return new ClippingAccumulator(elements, clip);
  }

  /**
   * Tells the accountant how the next round to finish was sampled: {@code selected} nodes out of
   * the {@code eligible} (available) ones. Call after selection, before {@link #finishRound}; a
   * later call for a retried attempt replaces an earlier one.
   *
   * @throws IllegalArgumentException unless {@code 1 <= selected <= eligible}
   */
  public synchronized void roundSampling(int selected, int eligible) {
    pendingSamplingRate = CentralDpAccountant.samplingRate(selected, eligible);
  }

  /**
   * Clips (already done by the accumulator), noises and averages the round's updates, steps the
   * wrapped optimizer, adapts S if configured and records the round with the accountant.
   *
   * @throws IllegalArgumentException if {@code accumulator} is not this strategy's, was made for
   *     another S (an earlier round), or differs in size from the model (state then unchanged)
   * @throws IllegalStateException if no update was accumulated (state then unchanged)
   */
  @Override
  public synchronized float[] finishRound(float[] current, UpdateAccumulator accumulator) {
    if (!(accumulator instanceof ClippingAccumulator clipping)) {
      throw new IllegalArgumentException("expected the accumulator made by newAccumulator, got "
          + accumulator.getClass().getName());
    }
    if (clipping.clip() != clip) {
      throw new IllegalArgumentException("the accumulator clipped to S = " + clipping.clip()
          + " but S is now " + clip + ": use a new accumulator for each round");
    }
    if (clipping.elements() != current.length) {
      throw new IllegalArgumentException("the round accumulated updates of "
          + clipping.elements() + " elements but the model has " + current.length);
    }
    int count = clipping.count();
    if (count == 0) {
      throw new IllegalStateException("no updates to average");
    }
    double[] mean = clipping.clippedSum();
    double noiseStd = settings.updateNoiseMultiplier() * clip;
    double m = settings.expectedClients();
    for (int i = 0; i < mean.length; i++) {
      mean[i] = (mean[i] + noiseStd * standardNormal.getAsDouble()) / m;
    }
    float[] next = optimizer.applyMeanDelta(current, mean);
    if (settings.adaptive()) {
      double centred = clipping.unclipped() - count / 2.0
          + settings.countStddev() * standardNormal.getAsDouble();
      unclippedFraction = Math.min(1, Math.max(0, centred / m + 0.5));
      double step = settings.clipLearningRate() * (unclippedFraction - settings.targetQuantile());
      clip = Math.min(MAX_CLIP, Math.max(MIN_CLIP, clip * Math.exp(-step)));
    }
    accountant.round(Double.isNaN(pendingSamplingRate) ? 1.0 : pendingSamplingRate);
    pendingSamplingRate = Double.NaN;
    return next;
  }

  /** The settings this strategy was made with. */
  public CentralDpSettings settings() {
    return settings;
  }

  /** The clipping norm S the next round uses. */
  public synchronized double clip() {
    return clip;
  }

  /** The user-level accountant (for other deltas or conversions). */
  public synchronized CentralDpAccountant accountant() {
    return accountant;
  }

  /**
   * User-level epsilon so far at {@code central_dp_delta}, with amplification by sampling: the
   * number for {@code RoundSummary.central_epsilon}.
   */
  public synchronized double epsilon() {
    return accountant.epsilon(settings.delta()).epsilon();
  }

  /** Everything publishable about central DP after the last round; see {@link CentralDpStatus}. */
  public synchronized CentralDpStatus status() {
    return new CentralDpStatus(accountant.rounds(), epsilon(),
        accountant.epsilonWithoutSampling(settings.delta()).epsilon(), settings.delta(),
        settings.noiseMultiplier(), clip, unclippedFraction);
  }

  /**
   * Empty before the first round, else, little-endian:
   *
   * <pre>
   *   4 bytes   magic "CCDP" (Cohort central DP)
   *   1 byte    format version (1)
   *   1 byte    1 if adaptive clipping, else 0
   *   8 bytes   float64 noise multiplier z
   *   8 bytes   float64 clipping norm S for the next round
   *   8 bytes   float64 last noised unclipped fraction (NaN with a fixed clip)
   *   4 bytes   int32 p, accountant phases, then p times: float64 q, int64 rounds at that q
   *   4 bytes   int32 n, then n bytes: the wrapped optimizer's state (empty for FedAvg)
   * </pre>
   */
  @Override
  public synchronized byte[] saveState() {
    if (accountant.rounds() == 0) {
      return new byte[0];
    }
    List<PrivacyAccountant.Phase> phases = accountant.phases();
    byte[] inner = optimizer.saveState();
    ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 2 + 3 * Double.BYTES
            + Integer.BYTES + phases.size() * (Double.BYTES + Long.BYTES) + Integer.BYTES
            + inner.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    buffer.put(MAGIC).put((byte) VERSION).put((byte) (settings.adaptive() ? 1 : 0));
    buffer.putDouble(settings.noiseMultiplier()).putDouble(clip).putDouble(unclippedFraction);
    buffer.putInt(phases.size());
    for (PrivacyAccountant.Phase phase : phases) {
      buffer.putDouble(phase.q()).putLong(phase.steps());
    }
    buffer.putInt(inner.length).put(inner);
    return buffer.array();
  }

  /**
   * Restores what {@link #saveState()} returned; empty bytes start over (initial S, no rounds).
   * Leaves the state unchanged when it throws.
   *
   * @throws IllegalArgumentException if the bytes are not a version-1 central DP state of these
   *     settings (adaptive or not, same z, and for a fixed clip the same S) or the wrapped
   *     optimizer refuses its part
   */
  @Override
  public synchronized void restoreState(byte[] saved) {
    if (saved.length == 0) {
      optimizer.restoreState(saved);
      accountant = new CentralDpAccountant(settings.noiseMultiplier());
      clip = settings.clip();
      unclippedFraction = Double.NaN;
      pendingSamplingRate = Double.NaN;
      return;
    }
    ByteBuffer buffer = ByteBuffer.wrap(saved).order(ByteOrder.LITTLE_ENDIAN);
    try {
      byte[] magic = new byte[MAGIC.length];
      buffer.get(magic);
      require(Arrays.equals(magic, MAGIC), "does not start with the magic \"CCDP\" (saved"
          + " without central DP?)");
      int version = Byte.toUnsignedInt(buffer.get());
      require(version == VERSION, "has format version " + version + ", this coordinator reads "
          + VERSION);
      boolean adaptive = buffer.get() == 1;
      require(adaptive == settings.adaptive(), "was saved with " + CentralDpSettings.ADAPTIVE
          + " = " + (adaptive ? 1 : 0));
      double z = buffer.getDouble();
      require(z == settings.noiseMultiplier(), "was saved with noise multiplier " + z
          + ", the settings have " + settings.noiseMultiplier());
      double savedClip = buffer.getDouble();
      require(savedClip >= MIN_CLIP && savedClip <= MAX_CLIP, "has clip " + savedClip);
      require(adaptive || savedClip == settings.clip(), "was saved with clip " + savedClip
          + ", the settings have " + settings.clip());
      double savedFraction = buffer.getDouble();
      int phaseCount = buffer.getInt();
      require(phaseCount > 0 && phaseCount <= buffer.remaining() / (Double.BYTES + Long.BYTES),
          "has " + phaseCount + " accountant phases");
      List<PrivacyAccountant.Phase> phases = new ArrayList<>(phaseCount);
      for (int k = 0; k < phaseCount; k++) {
        phases.add(new PrivacyAccountant.Phase(buffer.getDouble(), z, buffer.getLong()));
      }
      int innerLength = buffer.getInt();
      require(innerLength == buffer.remaining(), "is " + saved.length + " bytes, the wrapped "
          + "optimizer state should be " + innerLength + " bytes but " + buffer.remaining()
          + " remain");
      byte[] inner = new byte[innerLength];
      buffer.get(inner);
      CentralDpAccountant replayed = CentralDpAccountant.replay(z, phases);
      optimizer.restoreState(inner);
      accountant = replayed;
      clip = savedClip;
      unclippedFraction = savedFraction;
      pendingSamplingRate = Double.NaN;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("cannot restore central DP state: the state is "
          + saved.length + " bytes, too short", e);
    } catch (IllegalArgumentException e) {
      if (e.getMessage().startsWith("cannot restore")) {
        throw e;
      }
      throw new IllegalArgumentException("cannot restore central DP state: " + e.getMessage(), e);
    }
  }

  private static void require(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalArgumentException("cannot restore central DP state: the state "
          + problem);
    }
  }
}
