package org.pimllm.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.Tuple;
import org.pimllm.ir.Var;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.ir.text.Printer;
import org.pimllm.target.HostCpuModel;
import org.pimllm.target.PimModule;
import org.pimllm.target.Target;
import org.pimllm.tileselector.TileSelectorCostModel;

class PartitionAndPoolTest {

    static final HardwareConfig HW = HardwareConfig.preset("upmem-2560-450");

    static Constant int8(Builder b, String name, int... shape) {
        return b.weight(name, TensorType.of(DType.INT8, shape), TensorSource.Distribution.UNIFORM, 127);
    }

    static IRModule tinyAndBig(Builder b, Var small, Var big, Constant wSmall, Constant wBig) {
        return b.module(b.function(b.tuple(b.denseInt8(small, wSmall), b.denseInt8(big, wBig)), small, big));
    }

    @Test
    void eachGemmGoesWhereTheModelsSayItIsFaster() {
        Builder b = new Builder(1);
        Var small = b.var("s", DType.INT8, 1, 16);
        Var big = b.var("x", DType.INT8, 128, 4096);
        Constant wSmall = int8(b, "tiny", 16, 16);
        Constant wBig = int8(b, "mlp.up", 11008, 4096);
        IRModule m = tinyAndBig(b, small, big, wSmall, wBig);
        // the pipeline will keep weights resident: PartitionCpuPim compares the CPU with a resident-B call
        PassContext ctx = PassContext.builder().costModel(new TileSelectorCostModel(new Target(HW, 2048)))
                .set(PimOptions.RESIDENT_WEIGHTS, true).build();

        IRModule lowered = Sequential.of(LowerToPgemm.pass(), TileSelect.pass()).run(m, ctx);
        IRModule placed = Sequential.of(LowerToPgemm.pass(), TileSelect.pass(), PartitionCpuPim.pass()).run(m, ctx);

        HostCpuModel cpu = HostCpuModel.of(HW, HostCpuModel.Profile.TVM_CPU);
        Tuple before = (Tuple) lowered.main().body();
        Tuple after = (Tuple) placed.main().body();
        for (int i = 0; i < 2; i++) {
            PimGemmAttrs a = ((Call) before.fields().get(i)).attrs(PimGemmAttrs.class);
            // weights are constants and pooling is on: PIM time of a call with B resident (simulated)
            double pim = new TileSelectorCostModel(new Target(HW, 2048)).residentSeconds(a.plan(), a.bLayout(), false);
            boolean cpuFaster = cpu.gemmSeconds(a.plan().shape(), a.plan().dtype()) < pim;
            Call placedCall = (Call) after.fields().get(i);
            assertEquals(cpuFaster ? "nn.dense" : "pim.gemm", placedCall.op().name(), a.name());
        }
        // A 1x16x16 GEMM is not worth a DPU launch. (Where a LLaMA-7B MLP GEMM goes depends on the host
        // profile's calibration; the loop above checks it follows the models either way.)
        Call tiny = (Call) after.fields().get(0);
        assertEquals("nn.dense", tiny.op().name());
        assertEquals(new DenseAttrs(null, DType.INT32), tiny.attrs());
        assertTrue(tiny.arg(1) == wSmall, "the CPU GEMM keeps its original weight");
    }

    @Test
    void poolIsTheLargestDpuSetAndResidentWeightsAreTheConstantOnes() {
        Builder b = new Builder(2);
        Var x = b.var("x", DType.INT8, 64, 256);
        Var y = b.var("y", DType.INT8, 64, 256);
        IRModule m = b.module(b.function(b.tuple(b.denseInt8(x, int8(b, "w", 512, 256)),
                b.call(org.pimllm.ir.Ops.DENSE, new DenseAttrs(null, DType.INT32), x, y)), x, y));
        PassContext ctx = PassContext.builder().costModel(new TileSelectorCostModel(new Target(HW, 1024))).build();
        IRModule lowered = Sequential.of(LowerToPgemm.pass()).run(m, ctx);
        IRModule pooled = Sequential.of(LowerToPgemm.pass(), PoolPimResources.pass(), ResidentWeights.pass()).run(m, ctx);

        List<Call> before = PimModule.pimGemms(lowered);
        List<Call> after = PimModule.pimGemms(pooled);
        int max = Math.max(before.get(0).attrs(PimGemmAttrs.class).plan().dpus(), before.get(1).attrs(PimGemmAttrs.class).plan().dpus());
        assertEquals(max, PimModule.dpuPool(pooled).orElseThrow());
        assertEquals(new PimModule.DpuPool(max), pooled.attr(PimModule.DPU_POOL).orElseThrow());
        assertTrue(Printer.print(pooled).contains("#[attributes = {pim.dpu_pool={dpus=" + max + "}}]"), "a typed module attribute");
        // expected: the same calls, the constant-weight one resident, the activation x activation one not
        PimGemmAttrs b0 = before.get(0).attrs(PimGemmAttrs.class);
        PimGemmAttrs a0 = after.get(0).attrs(PimGemmAttrs.class);
        assertEquals(b0.withResident(true).withPlan(b0.plan(), a0.estimatedSeconds()), a0);
        assertTrue(a0.estimatedSeconds() < b0.estimatedSeconds(), "a resident call moves only A and C");
        assertEquals(before.get(1).attrs(), after.get(1).attrs());
        assertTrue(PimModule.dpuPool(lowered).isEmpty());
    }
}
