package org.pimllm.driver;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.IRModule;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.KernelCost;
import org.pimllm.runtime.HostOpCost;
import org.pimllm.runtime.TimeCategory;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.HostTransferModel;
import org.pimllm.sim.HostTransferModel.Direction;
import org.pimllm.sim.HostTransferModel.Kind;
import org.pimllm.target.HostCpuModel;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimOps;
import org.pimllm.target.Target;

/**
 * The roofline of one decode step (a token) on the simulated machine, computed from the preset and the step's
 * graph, not from a simulation. Every GEMM with a constant B (a weight) runs on the DPUs with its weights resident;
 * everything else (norms, RoPE, softmax, quantization, the attention GEMMs over the host's KV cache, the cache copy)
 * runs on the host at the tuned host profile (PEAK, what cpu-peak is credited with).
 *
 * <ul>
 *   <li><b>compute</b> = weight MACs x instructions per MAC of the kernel's unrolled inner loop ((4 steps +
 *       3 loop-control instructions) / 4 steps' MACs: 2.84 for int8, {@link KernelCost}) / (DPUs x clock x issue
 *       rate): every DPU issuing its share at the peak rate, no overheads;</li>
 *   <li><b>MRAM</b> = weight bytes per DPU x beta (cycles per byte of the MRAM DMA engine) / clock: each DPU
 *       streams its resident slice once;</li>
 *   <li><b>transfer</b> = activation bytes (A of each weight GEMM) / the parallel push bandwidth to all the DPUs
 *       + result bytes (C) / the pull bandwidth ({@link HostTransferModel}): every byte once, no replication
 *       and no per-call cost;</li>
 *   <li><b>host</b> = the host ops and host GEMMs of the step at the PEAK host profile.</li>
 * </ul>
 *
 * The roofline of a token is max(compute, MRAM, transfer) + host: the DPUs' work and the transfers can overlap,
 * the host ops cannot (each layer's ops wait for the GEMM before them). Launch and call overheads are not in it.
 *
 * @param computeSeconds  DPU instruction issue bound
 * @param mramSeconds     MRAM bandwidth bound
 * @param transferSeconds host transfer bound
 * @param hostSeconds     host ops (and host GEMMs) at PEAK
 * @param weightMacs      MACs of the weight GEMMs
 * @param weightBytes     bytes of the weights
 */
public record Roofline(double computeSeconds, double mramSeconds, double transferSeconds, double hostSeconds,
                       long weightMacs, long weightBytes) {

    /** Seconds of a token at the roofline. */
    public double seconds() {
        return Math.max(computeSeconds, Math.max(mramSeconds, transferSeconds)) + hostSeconds;
    }

    /** The largest term: the bound of the roofline itself. */
    public Bound bound() {
        double pim = Math.max(computeSeconds, Math.max(mramSeconds, transferSeconds));
        if (hostSeconds >= pim) return Bound.HOST_OPS;
        if (computeSeconds >= mramSeconds && computeSeconds >= transferSeconds) return Bound.DPU_INSTRUCTION_ISSUE;
        return mramSeconds >= transferSeconds ? Bound.MRAM_BANDWIDTH : Bound.HOST_TRANSFERS;
    }

    /** What bounds a step: the issue's five bounds. */
    public enum Bound {
        DPU_INSTRUCTION_ISSUE("DPU instruction issue"),
        MRAM_BANDWIDTH("MRAM bandwidth"),
        HOST_TRANSFERS("host transfers"),
        LAUNCHES("launches"),
        HOST_OPS("host ops");

        private final String text;

        Bound(String text) {
            this.text = text;
        }

        /** Lower-case words for tables ("DPU instruction issue", ...). */
        public String text() {
            return text;
        }

        /** The JSON key ("dpu_instruction_issue", ...). */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Instructions per MAC of the kernel's unrolled inner loop: 4 steps and their loop control over 4 steps' MACs. */
    public static double instructionsPerMac(GemmDType t, HardwareConfig hw) {
        double loop = (double) KernelCost.UNROLL * KernelCost.stepInstructions(t) + KernelCost.LOOP_CONTROL;
        return loop / (KernelCost.UNROLL * KernelCost.stepMacs(t)) + KernelCost.softInstructionsPerMac(t, hw);
    }

    /** The roofline of a lowered decode step on {@code target} (its preset and DPU budget). */
    public static Roofline of(IRModule lowered, Target target) {
        HardwareConfig hw = target.hw();
        int dpus = target.dpus();
        HostCpuModel peak = HostCpuModel.of(hw, HostCpuModel.Profile.PEAK);
        HostTransferModel link = new HostTransferModel(hw);
        int ranks = Math.ceilDiv(dpus, hw.dpusPerRank());
        double pushBw = link.bandwidth(Kind.PARALLEL, Direction.H2D, dpus, ranks);
        double pullBw = link.bandwidth(Kind.PARALLEL, Direction.D2H, dpus, ranks);
        double issue = 0;
        double host = 0;
        double transfer = 0;
        long macs = 0;
        long weightBytes = 0;
        List<Call> calls = ExprVisitor.postOrder(lowered.main().body()).stream()
                .filter(e -> e instanceof Call).map(Call.class::cast).toList();
        for (Call c : calls) {
            GemmShape shape;
            GemmDType dtype;
            if (c.is(PimOps.GEMM)) {
                shape = c.attrs(PimGemmAttrs.class).plan().shape();
                dtype = c.attrs(PimGemmAttrs.class).plan().dtype();
            } else {
                HostOpCost cost = HostOpCost.of(c);
                if (!cost.isGemm() || !(c.args().size() > 1 && c.arg(1) instanceof Constant)) {
                    host += cost.seconds(peak);
                    continue;
                }
                shape = cost.gemm();
                dtype = cost.gemmType();
            }
            if (!(c.arg(1) instanceof Constant)) { // a pim.gemm over activations: host work at the roofline
                host += peak.gemmSeconds(shape, dtype);
                continue;
            }
            macs += shape.macs();
            weightBytes += shape.b() * dtype.bBytes(shape.k(), shape.n()); // int4: packed nibbles and multipliers
            issue += shape.macs() * instructionsPerMac(dtype, hw);
            transfer += (double) shape.b() * shape.m() * shape.k() * dtype.bytes() / pushBw
                    + (double) shape.b() * shape.m() * shape.n() * dtype.outputType().bytes() / pullBw;
        }
        double compute = issue / (dpus * hw.clockHz() * hw.pipeline().issuePerCycle());
        double mram = (double) weightBytes / dpus * hw.dma().betaCyclesPerByte() / hw.clockHz();
        return new Roofline(compute, mram, transfer, host, macs, weightBytes);
    }

    /**
     * Seconds of a simulated step by bound: KERNEL goes to DPU instruction issue or MRAM bandwidth (whichever of the
     * two the roofline's kernel is bound by), H2D + D2H to host transfers, LAUNCH and LOAD (kernel reloads) to
     * launches, the rest (host ops, host GEMMs, reductions, transpositions, zero points) to host ops.
     */
    public Map<Bound, Double> byBound(Map<TimeCategory, Double> step) {
        Map<Bound, Double> m = new EnumMap<>(Bound.class);
        for (Bound b : Bound.values()) m.put(b, 0.0);
        Bound kernel = computeSeconds >= mramSeconds ? Bound.DPU_INSTRUCTION_ISSUE : Bound.MRAM_BANDWIDTH;
        step.forEach((cat, secs) -> {
            Bound b = switch (cat) {
                case KERNEL -> kernel;
                case H2D, D2H -> Bound.HOST_TRANSFERS;
                case LAUNCH, LOAD -> Bound.LAUNCHES;
                case ALLOC -> Bound.LAUNCHES;
                default -> Bound.HOST_OPS;
            };
            m.merge(b, secs, Double::sum);
        });
        return m;
    }

    /** The bound of a simulated step: the largest of {@link #byBound}. */
    public Bound boundOf(Map<TimeCategory, Double> step) {
        Map<Bound, Double> m = byBound(step);
        Bound best = Bound.HOST_OPS;
        for (Bound b : Bound.values()) if (m.get(b) > m.get(best)) best = b;
        return best;
    }
}
