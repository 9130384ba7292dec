package io.cohort.edge.cli;

import io.cohort.edge.session.ClientListener;
import io.cohort.edge.task.TrainOutcome;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.Task;
import java.io.PrintStream;
import java.util.Locale;

/**
 * What a data owner sees: a progress bar for local training when attached to a terminal, and one
 * status line per round (round, samples, loss, epsilon) either way.
 */
final class ConsoleProgress implements ClientListener {

  private static final int WIDTH = 30;
  private final PrintStream out;
  private final boolean terminal;
  private final String node;
  private int lastDrawn = -1;

  ConsoleProgress(PrintStream out, boolean terminal, String node) {
    this.out = out;
    this.terminal = terminal;
    this.node = node;
  }

  @Override
  public void connected(String sessionId) {
    line("connected to the coordinator (session " + sessionId + ")");
  }

  @Override
  public void disconnected(String reason, long retryInMs) {
    line("connection lost (" + reason.trim() + "); retrying in " + retryInMs + " ms");
  }

  @Override
  public void trainingStarted(Task task) {
    lastDrawn = -1;
    if (!terminal) {
      line("round " + task.getRound() + ": training from " + task.getModelVersion());
    }
  }

  @Override
  public synchronized void trainingProgress(Task task, double fraction, double loss) {
    if (!terminal) {
      return;
    }
    int filled = (int) Math.round(fraction * WIDTH);
    if (filled == lastDrawn) {
      return;
    }
    lastDrawn = filled;
    out.printf(Locale.ROOT, "\r[%s] round %d [%s%s] %3.0f%% loss %.4f", node, task.getRound(),
        "#".repeat(filled), " ".repeat(WIDTH - filled), fraction * 100, loss);
    out.flush();
  }

  @Override
  public void trained(Task task, TrainOutcome o, boolean duplicate) {
    if (terminal) {
      out.print("\r" + " ".repeat(WIDTH + 50) + "\r");
    }
    String metrics = Double.isNaN(o.trainMetrics().getLoss())
        ? "loss and accuracy kept on this node (DP)"
        : String.format(Locale.ROOT, "loss %.4f, accuracy %.3f", o.trainMetrics().getLoss(),
            o.trainMetrics().getAccuracy());
    line(String.format(Locale.ROOT, "round %d: trained on %d samples, %s, epsilon %.3f%s",
        task.getRound(), o.samples(), metrics, o.epsilonSpent(), duplicate ? " (retry)" : ""));
  }

  @Override
  public void declined(Task task, String code, String message) {
    line("round " + task.getRound() + ": declined " + code + ": " + message);
  }

  @Override
  public void evaluated(Task task, EvaluationResult r) {
    line(String.format(Locale.ROOT, "round %d: model %s on my held-out split: accuracy %.3f,"
        + " loss %.4f", task.getRound(), task.getModelVersion(), r.getMetrics().getAccuracy(),
        r.getMetrics().getLoss()));
  }

  @Override
  public void taskFailed(Task task, String reason) {
    line("round " + task.getRound() + ": task failed: " + reason);
  }

  @Override
  public void federationEnded(String state, String reason, String finalVersion) {
    line("federation " + state.toLowerCase(Locale.ROOT) + " (" + reason + "); final model "
        + finalVersion);
  }

  private synchronized void line(String text) {
    out.println("[" + node + "] " + text);
  }
}
