package org.pimllm.hostblas;

import java.util.Comparator;
import java.util.List;

/**
 * The achieved/peak fractions the host model's efficiency constants are about, derived from {@link HostBench}
 * measurements of this machine, and how they transfer to a modelled host.
 *
 * <ul>
 *   <li>{@code prefillComputeFraction}: the best int8 GEMM with M >= 128 (prefill) over this CPU's int8 peak. A
 *       fraction of peak carries over between x86 servers running the same library's jit kernels (both peaks count
 *       the same MACs per instruction), so it stands for the modelled host's {@code peakComputeEfficiency}.</li>
 *   <li>{@code gemvStreamFraction}: the int8 GEMV (M = 1) with the largest weight matrix (the one least likely to
 *       sit in a cache) streaming its weights, in bytes of weights per second, over this machine's STREAM triad. A
 *       GEMV reads each weight byte once, so it is bound by the same DRAM stream as STREAM.</li>
 *   <li>{@code gemvMemoryFraction} = gemvStreamFraction x the modelled host's STREAM / theoretical DRAM bandwidth
 *       (its {@code peakMemoryEfficiency}): the transfer to the host model's {@code peakGemvMemoryEfficiency}, a
 *       fraction of the theoretical bandwidth. The theoretical bandwidth of this machine cannot be read (a VM; no
 *       DIMM data without root), hence the ratio to STREAM rather than to a DRAM peak.</li>
 * </ul>
 *
 * @param prefillComputeFraction best prefill int8 GEMM's fraction of this CPU's int8 peak (NaN without one)
 * @param prefillShape the shape it was measured at
 * @param gemvStreamFraction GEMV weight-stream bandwidth over STREAM triad (NaN without a GEMV)
 * @param gemvShape the GEMV's shape
 * @param gemvGbPerSecond the GEMV's weight bytes per second, in 10^9
 * @param streamMemoryEfficiency the modelled host's STREAM / theoretical bandwidth used for the transfer
 * @param gemvMemoryFraction gemvStreamFraction x streamMemoryEfficiency
 */
public record HostFractions(double prefillComputeFraction, String prefillShape, double gemvStreamFraction,
    String gemvShape, double gemvGbPerSecond, double streamMemoryEfficiency, double gemvMemoryFraction) {

  /** Derives the fractions from int8 GEMM results and the STREAM triad result. */
  public static HostFractions of(List<HostBench.GemmResult> gemms, List<HostBench.StreamResult> stream,
      double streamMemoryEfficiency) {
    HostBench.GemmResult prefill = gemms.stream()
        .filter(g -> g.precision() == HostBench.Precision.INT8 && g.shape().m() >= 128)
        .max(Comparator.comparingDouble(HostBench.GemmResult::fractionOfPeak)).orElse(null);
    HostBench.GemmResult gemv = gemms.stream()
        .filter(g -> g.precision() == HostBench.Precision.INT8 && g.shape().m() == 1)
        .max(Comparator.comparingLong(g -> (long) g.shape().k() * g.shape().n())).orElse(null);
    double triad = stream.stream().filter(s -> s.kernel().equals("triad")).mapToDouble(HostBench.StreamResult::gbPerSecond)
        .findFirst().orElse(Double.NaN);
    double gemvGbps = gemv == null ? Double.NaN
        : (double) gemv.shape().k() * gemv.shape().n() / gemv.timing().medianSeconds() / 1e9;
    double streamFraction = gemvGbps / triad;
    return new HostFractions(prefill == null ? Double.NaN : prefill.fractionOfPeak(),
        prefill == null ? "" : prefill.shape().name(), streamFraction, gemv == null ? "" : gemv.shape().name(), gemvGbps,
        streamMemoryEfficiency, streamFraction * streamMemoryEfficiency);
  }
}
