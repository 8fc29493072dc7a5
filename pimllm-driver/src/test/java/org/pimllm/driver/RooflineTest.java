package org.pimllm.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.Var;
import org.pimllm.runtime.TimeCategory;
import org.pimllm.sim.HostTransferModel;
import org.pimllm.target.HostCpuModel;
import org.pimllm.target.Target;

/** The roofline's terms for one int8 GEMV and one host op, worked out by hand from the preset's constants. */
class RooflineTest {
  static final Target TARGET = Target.of("upmem-2560-450", 2048);

  @Test
  void termsOfOneGemvAndOneHostOp() {
    Builder b = new Builder(1);
    Var x = b.var("x", DType.INT8, 1, 4096);
    Var y = b.var("y", DType.FP32, 1, 1000);
    Constant w = b.weight("w", TensorType.of(DType.INT8, 4096, 4096), TensorSource.Distribution.UNIFORM, 127);
    IRModule m = b.module(b.function(b.tuple(b.denseInt8(x, w), b.softmax(y, -1)), x, y));
    Roofline r = Roofline.of(m, TARGET);

    double macs = 4096.0 * 4096;
    // int8 inner loop: 4 steps of 22 instructions + 3 of loop control per 4 x 8 MACs = 91 / 32
    assertEquals(91.0 / 32, Roofline.instructionsPerMac(org.pimllm.pgemm.GemmDType.INT8, TARGET.hw()), 1e-12);
    // 2,048 DPUs at 450 MHz issuing 1 instruction per cycle: 0.0518 ms
    assertEquals(macs * 91 / 32 / (2048 * 450e6), r.computeSeconds(), 1e-12);
    // each DPU streams 8 KiB of its weight slice at beta = 0.5 cycle/B: 4,096 cycles = 9.1 us
    assertEquals(macs / 2048 * 0.5 / 450e6, r.mramSeconds(), 1e-15);
    // 4 KiB of A pushed and 16 KiB of int32 C pulled once, at the 32-rank rates (docs/simulator.md: 6.14, 4.36 GB/s)
    HostTransferModel link = new HostTransferModel(TARGET.hw());
    double push = link.bandwidth(HostTransferModel.Kind.PARALLEL, HostTransferModel.Direction.H2D, 2048, 32);
    double pull = link.bandwidth(HostTransferModel.Kind.PARALLEL, HostTransferModel.Direction.D2H, 2048, 32);
    assertEquals(6.14e9, push, 0.01e9);
    assertEquals(4.36e9, pull, 0.01e9);
    assertEquals(4096 / push + 4096 * 4 / pull, r.transferSeconds(), 1e-15);
    // the softmax at the PEAK host profile: 1,000 fp32 elements read and written, 25 flops each
    double host = HostCpuModel.of(TARGET.hw(), HostCpuModel.Profile.PEAK).elementwiseSeconds(1000, 8, 25);
    assertEquals(host, r.hostSeconds(), 1e-15);
    assertEquals(r.computeSeconds() + host, r.seconds(), 1e-15);
    assertEquals(16777216L, r.weightMacs());
    assertEquals(16777216L, r.weightBytes());
  }

  /** An int4 weight streams its packed nibbles and group multipliers from MRAM, not one byte per weight. */
  @Test
  void anInt4WeightIsCountedByItsPackedBytes() {
    Builder b = new Builder(1);
    Var x = b.var("x", DType.INT8, 1, 4096);
    Constant w = b.weight("w", TensorType.of(DType.INT16, 4096, 4096), TensorSource.Distribution.UNIFORM, 7);
    IRModule m = b.module(b.function(b.call(org.pimllm.ir.Ops.DENSE,
        new org.pimllm.ir.attrs.DenseAttrs(null, DType.INT32, 128), x, w), x));
    Roofline r = Roofline.of(m, TARGET);
    // 4,096 columns of 4,096 / 2 packed bytes and 4,096 / 128 multipliers
    assertEquals(4096L * (2048 + 32), r.weightBytes());
    assertEquals(4096.0 * (2048 + 32) / 2048 * 0.5 / 450e6, r.mramSeconds(), 1e-15);
  }

  @Test
  void aStepIsBoundByItsLargestShare() {
    Roofline issueBound = new Roofline(2e-3, 1e-3, 0.5e-3, 1e-3, 0, 0);
    Map<TimeCategory, Double> step = new EnumMap<>(TimeCategory.class);
    step.put(TimeCategory.KERNEL, 1.0);
    step.put(TimeCategory.H2D, 1.5);
    step.put(TimeCategory.D2H, 0.7);
    step.put(TimeCategory.LAUNCH, 0.5);
    step.put(TimeCategory.LOAD, 0.2);
    step.put(TimeCategory.HOST_OPS, 1.0);
    step.put(TimeCategory.CPU_GEMM, 1.1);
    Map<Roofline.Bound, Double> by = issueBound.byBound(step);
    assertEquals(1.0, by.get(Roofline.Bound.DPU_INSTRUCTION_ISSUE));
    assertEquals(0.0, by.get(Roofline.Bound.MRAM_BANDWIDTH));
    assertEquals(2.2, by.get(Roofline.Bound.HOST_TRANSFERS), 1e-12);
    assertEquals(0.7, by.get(Roofline.Bound.LAUNCHES), 1e-12);
    assertEquals(2.1, by.get(Roofline.Bound.HOST_OPS), 1e-12);
    assertEquals(Roofline.Bound.HOST_TRANSFERS, issueBound.boundOf(step));
    // an MRAM-bound kernel puts KERNEL under MRAM bandwidth
    Roofline mramBound = new Roofline(1e-3, 2e-3, 0, 0, 0, 0);
    assertEquals(1.0, mramBound.byBound(step).get(Roofline.Bound.MRAM_BANDWIDTH));
    assertEquals(Roofline.Bound.MRAM_BANDWIDTH, mramBound.bound());
    assertEquals(Roofline.Bound.DPU_INSTRUCTION_ISSUE, issueBound.bound());
  }
}
