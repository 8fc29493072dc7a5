package org.pimllm.tileselector;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.target.HostCpuModel;

/**
 * Runs the Tile-Selector on GEMM cases and, optionally, the oracle, and summarizes how close the selection
 * came: what {@code pimllm tune} prints.
 */
public final class Tuning {
  private final HardwareConfig hw;
  private final TileSelector selector;
  private final HostCpuModel tvmCpu;
  private final HostCpuModel peakCpu;
  private final Oracle oracle;

  /** oracleThreads = 0: no oracle. */
  public Tuning(HardwareConfig hw, int oracleThreads) {
    this.hw = hw;
    this.selector = new TileSelector(hw);
    this.tvmCpu = HostCpuModel.of(hw, HostCpuModel.Profile.TVM_CPU);
    this.peakCpu = HostCpuModel.of(hw, HostCpuModel.Profile.PEAK);
    this.oracle = oracleThreads > 0 ? new Oracle(hw, oracleThreads) : null;
  }

  public TileSelector selector() {
    return selector;
  }

  /**
   * One tuned case. Times in seconds; oracle fields are NaN / null / 0 without the oracle.
   *
   * @param name case name
   * @param selection the selector's choice (selectionMicros: wall-clock of that call)
   * @param selectedSeconds the chosen plan's simulated seconds
   * @param cpuSeconds the host-CPU model, TVM_CPU profile
   * @param cpuPeakSeconds the host-CPU model, PEAK profile
   * @param oracle the oracle's search, or null
   */
  public record Outcome(String name, GemmShape shape, GemmDType dtype, int dpus, Selection selection,
      double selectedSeconds, double cpuSeconds, double cpuPeakSeconds, Oracle.Result oracle) {

    public double oracleSeconds() {
      return oracle == null ? Double.NaN : oracle.best().simulatedSeconds();
    }

    /** Oracle time / selected time: 1 = optimal. */
    public double ratio() {
      return oracleSeconds() / selectedSeconds;
    }

    public int rank() {
      return oracle == null ? 0 : oracle.rankOf(selection.plan());
    }
  }

  /**
   * Summary of a set of outcomes.
   *
   * @param cases how many
   * @param geomeanRatio geometric mean of oracle/selected (NaN without the oracle)
   * @param optimal cases where the selected plan is as fast as the oracle's
   * @param within5 cases where the selected plan is at most 5% slower than the oracle's
   * @param medianSelectionMicros median wall-clock selection time
   */
  public record Summary(int cases, double geomeanRatio, int optimal, int within5, double medianSelectionMicros) {}

  /** Selects, simulates the chosen plan and, with an oracle, searches every candidate. */
  public Outcome tune(String name, GemmShape shape, GemmDType dtype, int dpus, IntConsumer oracleProgress) {
    Selection sel = selector.select(shape, dtype, dpus);
    double simulated = PgemmLib.simulate(sel.plan(), hw).totalSeconds();
    Oracle.Result or = null;
    if (oracle != null) {
      // the selection is one of these candidates: select() searches the same plansFor with a branch and bound
      or = oracle.search(selector.candidates(shape, dtype, dpus), sel.plan(), oracleProgress);
    }
    return new Outcome(name, shape, dtype, dpus, sel, simulated, tvmCpu.gemmSeconds(shape, dtype),
        peakCpu.gemmSeconds(shape, dtype), or);
  }

  /** Candidates the oracle would look at (for sizing a progress bar). */
  public int candidateCount(GemmShape shape, GemmDType dtype, int dpus) {
    return selector.candidates(shape, dtype, dpus).size();
  }

  /**
   * Median wall-clock microseconds of selecting each case once more, after every case was selected once (so
   * the JIT has compiled the search).
   */
  public double medianSelectionMicros(List<PaperSuite.Case> cases) {
    for (PaperSuite.Case c : cases) {
      selector.select(c.shape(), c.dtype(), c.dpus());
    }
    double[] micros = new double[cases.size()];
    for (int i = 0; i < micros.length; i++) {
      PaperSuite.Case c = cases.get(i);
      micros[i] = selector.select(c.shape(), c.dtype(), c.dpus()).selectionMicros();
    }
    return median(micros);
  }

  public static Summary summarize(List<Outcome> outcomes, double medianSelectionMicros) {
    double logSum = 0;
    int optimal = 0;
    int within5 = 0;
    boolean withOracle = !outcomes.isEmpty() && outcomes.get(0).oracle() != null;
    for (Outcome o : outcomes) {
      if (withOracle) {
        double r = o.ratio();
        logSum += Math.log(r);
        optimal += r >= 1 - 1e-12 ? 1 : 0;
        within5 += o.selectedSeconds() <= 1.05 * o.oracleSeconds() ? 1 : 0;
      }
    }
    double geo = withOracle ? Math.exp(logSum / outcomes.size()) : Double.NaN;
    return new Summary(outcomes.size(), geo, optimal, within5, medianSelectionMicros);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
