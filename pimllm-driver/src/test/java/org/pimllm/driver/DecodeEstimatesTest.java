package org.pimllm.driver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Call;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.models.zoo.ModelConfig;
import org.pimllm.models.zoo.ModelZoo;
import org.pimllm.models.zoo.WeightSource;
import org.pimllm.runtime.CompiledModule;
import org.pimllm.runtime.OpRecord;
import org.pimllm.runtime.RunReport;
import org.pimllm.runtime.Span;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimOps;
import org.pimllm.target.Target;

/**
 * The estimates placement decides by, against the simulated calls of a LLaMA-7B decode step (1 layer and the LM
 * head, cache 128, 2,048 DPUs, every GEMM on PIM): each pim.gemm's {@code estimated_seconds} (resident weights;
 * asynchronous per rank in +async) against its simulated elapsed time in the step. Stated tolerance 1 +- 0.12, as
 * ResidentCostTest's: only the kernel term is estimated, the transfer, launch and host terms are the simulator's
 * own functions (and, asynchronous, its own scheduler). Measured on these 20 calls: 0.973 .. 1.000.
 */
class DecodeEstimatesTest {
    static final double TOLERANCE = 0.12;

    @Test
    void residentAndAsyncCallEstimatesMatchTheSimulatedStep() {
        ModelConfig c = ModelZoo.get("llama-7b").withLayers(1);
        Target target = Target.of("upmem-2560-450", 2048);
        for (String variant : List.of("+resident", "+async")) {
            CompileOptions o = CompileOptions.variant(variant).disable("PartitionCpuPim");
            try (CompiledModule m = PimLlm.compile(ModelZoo.buildDecode(c, 128, WeightSource.synthetic(0)), target,
                    o.withMode(org.pimllm.sim.Mode.TIMING_ONLY))) {
                List<Call> gemms = ExprVisitor.postOrder(m.module().main().body()).stream()
                        .filter(e -> e instanceof Call call && call.is(PimOps.GEMM)).map(Call.class::cast).toList();
                RunReport r = m.simulate();
                List<OpRecord> pim = r.ops().stream().filter(op -> op.placement() == OpRecord.Placement.PIM).toList();
                List<String> out = new ArrayList<>();
                for (int i = 0; i < pim.size(); i++) {
                    int index = pim.get(i).index();
                    double start = Double.POSITIVE_INFINITY;
                    double end = 0;
                    for (Span s : r.timeline()) {
                        if (s.op() != index) continue;
                        start = Math.min(start, s.startSeconds());
                        end = Math.max(end, s.startSeconds() + s.seconds());
                    }
                    double est = gemms.get(i).attrs(PimGemmAttrs.class).estimatedSeconds();
                    double ratio = est / (end - start);
                    System.out.printf("%s %s: estimated %.3f ms, simulated %.3f ms (%.3f)%n", variant, pim.get(i).label(),
                            est * 1e3, (end - start) * 1e3, ratio);
                    if (Math.abs(ratio - 1) > TOLERANCE) out.add(pim.get(i).label() + ": " + ratio);
                }
                assertTrue(out.isEmpty(), variant + ": " + out);
            }
        }
    }
}
