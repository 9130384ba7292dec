package io.cohort.deploy.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.cohort.model.djl.DjlRuntime;
import io.cohort.model.djl.ModelBlocks;
import io.cohort.model.inference.ForwardPass;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.ModelSpec;
import java.util.Locale;

/**
 * The cost of scoring alone, without gRPC: the plain-Java {@link ForwardPass} against a DJL
 * (PyTorch) block holding the same parameters, per call of 1 and of 64 rows. Decides which
 * engine serves (see docs/decisions/0006-inference-forward-pass.md).
 */
final class ForwardCost {

  private ForwardCost() {}

  static void print(int features) {
    ModelArchitecture arch = new ModelArchitecture(ModelSpec.newBuilder()
        .setArchitecture("logistic").setInputFeatures(features).setNumClasses(2).build());
    float[] params = arch.initialize(7);
    ForwardPass pass = new ForwardPass(arch);
    System.out.println("| engine | rows per call | us per call | us per row |");
    System.out.println("|---|---:|---:|---:|");
    for (int rows : new int[] {1, 64}) {
      float[] x = new float[rows * features];
      for (int i = 0; i < x.length; i++) {
        x[i] = i % 7 * 0.1f;
      }
      int calls = 200_000 / rows;
      for (int i = 0; i < calls; i++) {
        pass.probabilities(params, x); // warm-up
      }
      long s = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        pass.probabilities(params, x);
      }
      row("plain Java (ForwardPass)", rows, (System.nanoTime() - s) / 1e3 / calls);
    }
    DjlRuntime djl = DjlRuntime.start(DjlRuntime.Settings.defaults().withDevice("cpu"));
    try (NDManager manager = djl.newManager()) {
      Block block = ModelBlocks.load(arch, manager, params);
      ParameterStore store = new ParameterStore(manager, false);
      for (int rows : new int[] {1, 64}) {
        float[] x = new float[rows * features];
        int calls = 20_000 / rows + 200;
        for (int i = 0; i < 200; i++) {
          djlCall(manager, block, store, x, rows, features);
        }
        long s = System.nanoTime();
        for (int i = 0; i < calls; i++) {
          djlCall(manager, block, store, x, rows, features);
        }
        row("DJL PyTorch block", rows, (System.nanoTime() - s) / 1e3 / calls);
      }
    }
  }

  private static float[] djlCall(NDManager manager, Block block, ParameterStore store,
      float[] x, int rows, int features) {
    try (NDManager call = manager.newSubManager()) {
      NDArray in = call.create(x, new Shape(rows, features));
      return block.forward(store, new NDList(in), false).singletonOrThrow().softmax(1)
          .toFloatArray();
    }
  }

  private static void row(String engine, int rows, double usPerCall) {
    System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.3f |%n", engine, rows, usPerCall,
        usPerCall / rows);
  }
}
