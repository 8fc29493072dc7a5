package org.pimllm.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.Var;
import org.pimllm.target.PimModule;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimOps;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.Strategy;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.target.Target;
import org.pimllm.target.HostCpuModel;
import org.pimllm.tileselector.CallOptions;
import org.pimllm.tileselector.Restriction;
import org.pimllm.tileselector.TileSelector;

/** Resident weights that do not fit a DPU's MRAM are refused with a message that says what to do. */
class ResidentWeightsTest {

    @Test
    void residentWeightsBeyondMramAreAClearError() {
        HardwareConfig hw = HardwareConfig.preset("upmem-2556-350");
        int k = 5120, n = 8192; // BaseGEMM gives every DPU all of B: 40 MiB per weight, two weights = 80 MiB
        GemmShape shape = GemmShape.of(1, 64, k, n);
        TilingPlan plan = new TileSelector(hw).select(shape, GemmDType.INT8, 64, CallOptions.POOLED,
                Restriction.to(Strategy.BASE)).plan();
        Builder b = new Builder(1);
        Var x = b.var("x", DType.INT8, 64, k);
        Expr[] outs = new Expr[2];
        for (int i = 0; i < 2; i++) {
            Constant w = new Constant(TensorType.of(DType.INT8, n, k), new TensorSource.Synthetic(i, TensorSource.Distribution.UNIFORM, 100), "w" + i);
            outs[i] = new Call(PimOps.GEMM, java.util.List.of(x, w), new PimGemmAttrs("w" + i, plan, Layout.COL_MAJOR, true, 0));
        }
        IRModule m = PimModule.withDpuPool(b.module(b.function(b.tuple(outs), x)), plan.dpus());
        Target target = new Target(hw, 64);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new CompiledModule(m, target, new RunOptions("base", Mode.TIMING_ONLY, false), HostCpuModel.of(hw, HostCpuModel.Profile.TVM_CPU)));
        assertTrue(e.getMessage().contains("MiB of MRAM"), e.getMessage());
    }
}
