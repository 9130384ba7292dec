package io.cohort.coordinator.contribution;

import io.cohort.model.layout.ParameterLayout;
import io.cohort.model.layout.TensorShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The input of contribution scoring for one round: the base model the nodes trained from (full
 * layout), where the trainable tensors sit in it, and each node's update. Rebuilds the model any
 * subset of the nodes would have produced, exactly as FedAvg aggregates: base plus the
 * sample-weighted mean of the subset's deltas, summed in double and rounded to float once.
 *
 * <p><b>Players.</b> Nodes whose deltas are bit-identical (a re-sent copy of someone's update, or
 * several nodes that all send nothing) act as one player of the contribution game, with their
 * summed weight: the scorers value players and split a player's value equally among its nodes.
 * A copy therefore shares the value of the original instead of adding a claim of its own, in
 * every game (plain Shapley values would give the pair up to twice one node's value when the
 * nodes are substitutes). The grand coalition is unchanged, so the values still add up to the
 * round's gain. Players are numbered in the order of their first node id.
 *
 * <p>Nodes are ordered by id, so every result is independent of map iteration order. Arrays are
 * not copied: they must not change while scoring.
 */
public final class RoundUpdates {

  private final float[] base;
  private final int[] fullIndex; // trainable element k lives at base[fullIndex[k]]
  private final List<String> nodes;
  private final float[][] nodeDeltas;
  private final long[] nodeSamples;
  private final List<List<String>> players = new ArrayList<>();
  private final int[] playerOfNode;
  private final float[][] playerDeltas;
  private final long[] playerSamples;

  public RoundUpdates(float[] baseParams, ParameterLayout fullLayout,
      ParameterLayout trainableLayout, Map<String, NodeUpdate> updates) {
    if (baseParams.length != fullLayout.totalElements()) {
      throw new IllegalArgumentException("base model has " + baseParams.length
          + " parameters, the full layout " + fullLayout.totalElements());
    }
    this.base = baseParams;
    this.fullIndex = trainableIndex(fullLayout, trainableLayout);
    Map<String, NodeUpdate> sorted = new TreeMap<>(updates);
    this.nodes = List.copyOf(sorted.keySet());
    this.nodeDeltas = new float[nodes.size()][];
    this.nodeSamples = new long[nodes.size()];
    this.playerOfNode = new int[nodes.size()];
    Map<DeltaKey, Integer> playerOfDelta = new HashMap<>();
    List<Long> samplesOfPlayer = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      NodeUpdate update = sorted.get(nodes.get(i));
      if (update.delta().length != fullIndex.length) {
        throw new IllegalArgumentException("update of node " + nodes.get(i) + " has "
            + update.delta().length + " elements, the trainable layout " + fullIndex.length);
      }
      nodeDeltas[i] = update.delta();
      nodeSamples[i] = update.samples();
      Integer player = playerOfDelta.putIfAbsent(new DeltaKey(update.delta()), players.size());
      if (player == null) {
        player = players.size();
        players.add(new ArrayList<>());
        samplesOfPlayer.add(0L);
      }
      players.get(player).add(nodes.get(i));
      samplesOfPlayer.set(player, samplesOfPlayer.get(player) + update.samples());
      playerOfNode[i] = player;
    }
    this.playerDeltas = new float[players.size()][];
    this.playerSamples = new long[players.size()];
    for (int i = 0; i < nodes.size(); i++) {
      playerDeltas[playerOfNode[i]] = nodeDeltas[i]; // identical within a player
    }
    for (int p = 0; p < players.size(); p++) {
      playerSamples[p] = samplesOfPlayer.get(p);
    }
  }

  /** Node ids in ascending order. */
  public List<String> nodes() {
    return nodes;
  }

  public int size() {
    return nodes.size();
  }

  /** The players of the game: groups of nodes with identical updates, by first node id. */
  public List<List<String>> players() {
    return players.stream().map(List::copyOf).toList();
  }

  /** Number of players: distinct updates. The cost of exact Shapley values is 2^players. */
  public int playerCount() {
    return players.size();
  }

  /** Length of the full parameter vector. */
  public int parameterCount() {
    return base.length;
  }

  /** The model the named nodes would have produced together; the base model for none. */
  public float[] subModel(Collection<String> members) {
    BitSet bits = new BitSet(size());
    List<String> unknown = new ArrayList<>();
    for (String node : members) {
      int i = Collections.binarySearch(nodes, node);
      if (i >= 0) {
        bits.set(i);
      } else {
        unknown.add(node);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("no update from " + unknown + " in this round");
    }
    float[] out = new float[base.length];
    aggregate(nodeDeltas, nodeSamples, bits, new double[fullIndex.length], out);
    return out;
  }

  /** The sub-model of a coalition of players, into {@code out} using {@code sum} as scratch. */
  void playerSubModelInto(BitSet coalition, double[] sum, float[] out) {
    aggregate(playerDeltas, playerSamples, coalition, sum, out);
  }

  /**
   * Node id -> value, in id order, unmodifiable, from the values of the players: each node gets
   * its player's value divided by the number of nodes in that player.
   */
  SortedMap<String, Double> byNode(double[] playerValues) {
    SortedMap<String, Double> named = new TreeMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      int p = playerOfNode[i];
      named.put(nodes.get(i), playerValues[p] / players.get(p).size());
    }
    return Collections.unmodifiableSortedMap(named);
  }

  /** The node ids of a coalition of players, for messages. */
  List<String> nodesOf(BitSet coalition) {
    return coalition.stream().boxed().flatMap(p -> players.get(p).stream()).sorted().toList();
  }

  int trainableCount() {
    return fullIndex.length;
  }

  private void aggregate(float[][] deltas, long[] samples, BitSet members, double[] sum,
      float[] out) {
    System.arraycopy(base, 0, out, 0, base.length);
    if (members.isEmpty()) {
      return;
    }
    Arrays.fill(sum, 0);
    long totalWeight = 0;
    for (int i = members.nextSetBit(0); i >= 0; i = members.nextSetBit(i + 1)) {
      float[] delta = deltas[i];
      double weight = samples[i];
      for (int k = 0; k < sum.length; k++) {
        sum[k] += weight * delta[k];
      }
      totalWeight += samples[i];
    }
    for (int k = 0; k < sum.length; k++) {
      int at = fullIndex[k];
      out[at] = (float) (base[at] + sum[k] / totalWeight);
    }
  }

  private static int[] trainableIndex(ParameterLayout full, ParameterLayout trainable) {
    int[] index = new int[trainable.totalElements()];
    int k = 0;
    for (TensorShape t : trainable.tensors()) {
      if (!full.contains(t.name())) {
        throw new IllegalArgumentException("trainable tensor " + t.name()
            + " is not in the full layout");
      }
      int offset = full.offsetOf(t.name());
      for (int i = 0; i < t.elements(); i++) {
        index[k++] = offset + i;
      }
    }
    return index;
  }

  /** A delta compared by content (bit for bit, as {@link Arrays#equals(float[], float[])}). */
  private record DeltaKey(float[] delta) {

    @Override
    public boolean equals(Object o) {
      return o instanceof DeltaKey k && Arrays.equals(k.delta, delta);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(delta);
    }
  }
}
