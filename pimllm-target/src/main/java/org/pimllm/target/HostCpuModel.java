package org.pimllm.target;

import java.util.Objects;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.sim.HardwareConfig;

/**
 * Seconds of work on the host CPU, a roofline over the preset's {@code hostCpu} section: the larger of the
 * compute time (operations over cores x clock x peak rate per cycle x the profile's compute efficiency) and
 * the memory time (bytes over DRAM bandwidth x the profile's memory efficiency), plus a fixed cost per call.
 *
 * <p>Two profiles: {@link Profile#TVM_CPU}, the PIM-LLM paper's CPU baseline (its efficiencies are calibrated
 * against the paper's TVM-CPU figures, see docs/tileselector.md), and {@link Profile#PEAK}, a well-tuned
 * AVX-512 VNNI path on the same host.
 */
public final class HostCpuModel {

  /** Which software stack runs on the host. */
  public enum Profile {
    /** The paper's TVM-CPU baseline. */
    TVM_CPU,
    /** A well-tuned int8 path reaching a realistic fraction of the AVX-512 VNNI peak. */
    PEAK
  }

  private final HardwareConfig.HostCpu cpu;
  private final HardwareConfig.HostProfile prof;
  private final Profile profile;

  private HostCpuModel(HardwareConfig.HostCpu cpu, Profile profile) {
    this.cpu = cpu;
    this.profile = profile;
    this.prof = profile == Profile.TVM_CPU ? cpu.tvm() : cpu.peak();
  }

  public static HostCpuModel of(HardwareConfig hw, Profile profile) {
    Objects.requireNonNull(hw, "hw");
    Objects.requireNonNull(profile, "profile");
    return new HostCpuModel(hw.hostCpu(), profile);
  }

  public Profile profile() {
    return profile;
  }

  /** Peak multiply-accumulates per second of the whole host for a dtype (fp32: one MAC = one FMA = 2 FLOP). */
  public double peakMacsPerSecond(GemmDType dtype) {
    double perCycle = switch (dtype) {
      case INT8, INT4_G32, INT4_G64, INT4_G128 -> cpu.int8MacsPerCycle(); // int4 unpacked to int8 for the MACs
      case INT16 -> cpu.int16MacsPerCycle();
      case INT32 -> cpu.int32MacsPerCycle();
      case FP32 -> cpu.fp32FlopsPerCycle() / 2;
    };
    return cpu.cores() * cpu.clockHz() * perCycle;
  }

  /**
   * C = A x B on the host (an int4 B counted by its packed bytes, GemmDType.bBytes): MACs at the profile's fraction of peak, or reading A and B and writing the int32/fp32
   * C once at the profile's fraction of DRAM bandwidth, whichever is longer, plus the call cost.
   */
  public double gemmSeconds(GemmShape shape, GemmDType dtype) {
    if (shape.m() == 1) return gemvSeconds(shape, dtype);
    double compute = shape.macs() / (peakMacsPerSecond(dtype) * prof.computeEfficiency());
    double bytes = (double) shape.b() * ((double) shape.m() * shape.k() * dtype.bytes()
        + (double) shape.m() * shape.n() * dtype.accumulatorBytes()) + (double) shape.b() * dtype.bBytes(shape.k(), shape.n());
    double memory = bytes / memoryBytesPerSecond();
    return prof.callSeconds() + Math.max(compute, memory);
  }

  /**
   * A GEMV (M = 1, each of the b batches; a decode step's layers and its attention over the KV cache): one MAC per
   * element of B, so B is streamed from DRAM once and the time is that stream (plus A and C) at the profile's GEMV
   * fraction of the DRAM bandwidth, plus the call cost. The profile's compute efficiency is not applied: it was
   * calibrated on prefill GEMMs (TVM's tiling over M), which a GEMV does not have; at the nominal peak the MACs
   * take far less time than the stream (the ridge point is tens of MACs per byte).
   */
  public double gemvSeconds(GemmShape shape, GemmDType dtype) {
    if (shape.m() != 1) throw new IllegalArgumentException("gemvSeconds needs M = 1, got " + shape);
    double bytes = (double) shape.b() * ((double) shape.k() * dtype.bytes() + (double) shape.n() * dtype.accumulatorBytes())
        + (double) shape.b() * dtype.bBytes(shape.k(), shape.n());
    return prof.callSeconds() + bytes / (cpu.memoryBytesPerSecond() * prof.gemvMemoryEfficiency());
  }

  /**
   * An element-wise or reduction host op over {@code elements} elements, moving {@code bytesPerElementMoved}
   * bytes per element through DRAM (reads + writes) and doing {@code flopsPerElement} fp32 operations each.
   */
  public double elementwiseSeconds(long elements, int bytesPerElementMoved, double flopsPerElement) {
    if (elements < 0 || bytesPerElementMoved < 0 || !(flopsPerElement >= 0)) {
      throw new IllegalArgumentException("elementwiseSeconds needs elements >= 0, bytes >= 0, flops >= 0; got "
          + elements + ", " + bytesPerElementMoved + ", " + flopsPerElement);
    }
    double flopsPerSecond = cpu.cores() * cpu.clockHz() * cpu.fp32FlopsPerCycle() * prof.computeEfficiency();
    double compute = elements * flopsPerElement / flopsPerSecond;
    double memory = (double) elements * bytesPerElementMoved / memoryBytesPerSecond();
    return prof.callSeconds() + Math.max(compute, memory);
  }

  private double memoryBytesPerSecond() {
    return cpu.memoryBytesPerSecond() * prof.memoryEfficiency();
  }
}
