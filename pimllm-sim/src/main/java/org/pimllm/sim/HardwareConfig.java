package org.pimllm.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A validated description of a UPMEM-like machine: organization, capacities and every timing constant.
 * Loaded from JSON presets ({@code src/main/resources/hw/*.json}) in which each value carries its source;
 * {@link #parameters()} keeps them for display.
 *
 * @param name preset name
 * @param description one line about the machine
 * @param physicalDpus DPUs the machine has
 * @param totalDpus DPUs usable by programs (physicalDpus unless restricted with {@link #withDpus})
 * @param dpusPerRank DPUs per rank (the allocation granule)
 * @param clockHz DPU clock
 * @param mramBytes MRAM per DPU
 * @param wramBytes WRAM per DPU, tasklet stacks included
 * @param iramInstructions IRAM capacity per DPU
 * @param maxTasklets hardware threads per DPU
 * @param pipeline issue rules of the revolver pipeline
 * @param dma MRAM<->WRAM DMA rules and latency
 * @param opCosts instructions per operation by op class and dtype
 * @param host host<->DPU transfer costs
 * @param system allocation, load, launch and free costs
 * @param hostCpu host-CPU work that libraries charge as HOST time (e.g. PGEMMlib's transposition and reduction)
 * @param parameters every value with unit and source, in preset order
 */
public record HardwareConfig(
    String name,
    String description,
    int physicalDpus,
    int totalDpus,
    int dpusPerRank,
    double clockHz,
    long mramBytes,
    int wramBytes,
    int iramInstructions,
    int maxTasklets,
    Pipeline pipeline,
    Dma dma,
    OpCosts opCosts,
    HostLink host,
    SystemCosts system,
    HostCpu hostCpu,
    List<Parameter> parameters) {

  /** The built-in presets, in the order {@code pimllm hw list} shows them. */
  private static final List<String> PRESETS = List.of("upmem-2556-350", "upmem-2560-450");

  /** The revolver pipeline: a tasklet issues at most once every revolverCycles; the DPU at most issuePerCycle. */
  public record Pipeline(int revolverCycles, double issuePerCycle) {}

  /** DMA rules and latency: cycles = alpha + beta * bytes; the DMA engine serves one transfer at a time. */
  public record Dma(int minBytes, int maxBytes, int alignBytes, double readAlphaCycles, double writeAlphaCycles,
      double betaCyclesPerByte) {
    /** Cycles the engine is busy with one transfer (= its latency when alone). */
    public double cycles(boolean write, int bytes) {
      return (write ? writeAlphaCycles : readAlphaCycles) + betaCyclesPerByte * bytes;
    }
  }

  /**
   * Host link (see {@link HostTransferModel}): bandwidths in bytes/s at the published points (1 DPU serial; 1 rank
   * parallel/broadcast), the SDK's transfer threads per rank, the host's sockets, the cores per socket that run
   * them, the DDR channels per socket that carry PIM ranks (the SDK serializes the ranks of one channel), the
   * slowdown of a rank whose host buffer sits on the other socket, whether buffers are placed NUMA-aware, and
   * fixed seconds per call (serial copy, parallel push, parallel pull, broadcast), and the within-rank line model
   * of pushes ({@link Lines}).
   */
  public record HostLink(double serialH2D, double serialD2H, double parallelH2DPerRank, double parallelD2HPerRank,
      double broadcastPerRank, int transferThreadsPerRank, int sockets, int transferCoresPerSocket,
      int pimChannelsPerSocket, double remoteNumaSlowdown, boolean numaAwareAllocation, double serialCallSeconds,
      double parallelH2DCallSeconds, double parallelD2HCallSeconds, double broadcastCallSeconds, Lines lines) {

    /** The same link with host buffers placed on (numaAware) or regardless of (not) each rank's socket. */
    public HostLink withNumaAwareAllocation(boolean numaAware) {
      return new HostLink(serialH2D, serialD2H, parallelH2DPerRank, parallelD2HPerRank, broadcastPerRank,
          transferThreadsPerRank, sockets, transferCoresPerSocket, pimChannelsPerSocket, remoteNumaSlowdown, numaAware,
          serialCallSeconds, parallelH2DCallSeconds, parallelD2HCallSeconds, broadcastCallSeconds, lines);
    }
  }

  /**
   * How the SDK writes a rank (see {@link HostTransferModel}): one 64-byte line carries 8 bytes to one DPU of each
   * of the rank's chipsPerRank chips; a line's cost is 1 and each DPU's 8-byte word read from its host buffer adds
   * wordCost (host buffer in DRAM) or cachedWordCost (in the last-level cache of llcBytes bytes). A pull of a WRAM
   * symbol goes through each chip's control interface instead: wramPullSecondsPerWord per 4-byte word and DPU of
   * a chip, chips in parallel.
   */
  public record Lines(int chipsPerRank, double wordCost, double cachedWordCost, double llcBytes,
      double wramPullSecondsPerWord) {}

  /** Seconds charged for dpu_alloc/dpu_free/dpu_load per rank and for each dpu_launch. */
  public record SystemCosts(double allocSecondsPerRank, double freeSecondsPerRank, double loadSecondsPerRank,
      double launchSeconds, double launchSecondsPerRank) {}

  /**
   * The host CPU: throughputs for work libraries do on the host between DPU transfers (transposing a matrix's
   * storage order, summing partial results; bytes per second), and the machine numbers of the host-CPU GEMM
   * model (org.pimllm.target.HostCpuModel): cores, clock, peak multiply-accumulates per cycle and core
   * by dtype, memory bandwidth, and the fraction of peak each host profile reaches.
   *
   * @param transposeBytesPerSecond one core transposing a matrix
   * @param reduceBytesPerSecond one core summing partial blocks (bytes of partials read)
   * @param cores cores of the host (all sockets)
   * @param clockHz core clock
   * @param int8MacsPerCycle peak int8 multiply-accumulates per cycle per core
   * @param int16MacsPerCycle peak int16 multiply-accumulates per cycle per core
   * @param int32MacsPerCycle peak int32 multiply-accumulates per cycle per core
   * @param fp32FlopsPerCycle peak fp32 floating-point operations per cycle per core (an FMA counts 2)
   * @param memoryBytesPerSecond DRAM bandwidth of the host (all sockets)
   * @param tvm the "TVM-CPU" profile: the paper's CPU baseline
   * @param peak the "PEAK" profile: a well-tuned int8 path (AVX-512 VNNI) on the same host
   */
  public record HostCpu(double transposeBytesPerSecond, double reduceBytesPerSecond, int cores, double clockHz,
      double int8MacsPerCycle, double int16MacsPerCycle, double int32MacsPerCycle, double fp32FlopsPerCycle,
      double memoryBytesPerSecond, HostProfile tvm, HostProfile peak) {}

  /**
   * How much of the host's peak a software stack reaches.
   *
   * @param computeEfficiency fraction of the peak MAC/FLOP rate reached on GEMMs and element-wise work
   * @param memoryEfficiency fraction of the DRAM bandwidth reached when streaming
   * @param callSeconds fixed cost of one operator call (thread-pool dispatch, packing setup)
   * @param gemvMemoryEfficiency fraction of the DRAM bandwidth reached by a GEMV (M = 1, a decode step), which
   *     streams its weights from DRAM once and is bound by that stream
   */
  public record HostProfile(double computeEfficiency, double memoryEfficiency, double callSeconds,
      double gemvMemoryEfficiency) {}

  /** One preset value for display: dotted key, value as written, unit and source. */
  public record Parameter(String key, String value, String unit, String source) {}

  public HardwareConfig {
    Objects.requireNonNull(name, "name");
    parameters = List.copyOf(parameters);
    if (totalDpus < 1 || totalDpus > physicalDpus) {
      throw new IllegalArgumentException("preset " + name + ": usable DPUs " + totalDpus
          + " must be between 1 and the machine's " + physicalDpus);
    }
  }

  /** A built-in preset by name; unknown names are an error listing the known ones. */
  public static HardwareConfig preset(String name) {
    return PresetParser.parse(presetBytes(name), "/hw/" + name + ".json");
  }

  /** The JSON of a built-in preset; unknown names are an error listing the known ones. */
  private static byte[] presetBytes(String name) {
    if (!PRESETS.contains(name)) {
      throw new IllegalArgumentException("unknown hardware preset '" + name + "'; known presets: "
          + String.join(", ", PRESETS) + " (or give a JSON file)");
    }
    String resource = "/hw/" + name + ".json";
    try (InputStream in = HardwareConfig.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("preset resource " + resource + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read preset " + resource, e);
    }
  }

  /** Names of the built-in presets. */
  public static List<String> presetNames() {
    return PRESETS;
  }

  /** Loads and validates a preset file; bad or inconsistent values are an IllegalArgumentException. */
  public static HardwareConfig load(Path json) {
    return PresetParser.parse(fileBytes(json), json.toString());
  }

  private static byte[] fileBytes(Path json) {
    try {
      return Files.readAllBytes(json);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("hardware preset file " + json + " does not exist; give a preset name ("
          + String.join(", ", PRESETS) + ") or a JSON file", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read hardware preset " + json + ": " + e.getMessage(), e);
    }
  }

  /**
   * A preset name, or a path to a preset JSON file (anything ending in .json), optionally followed by overrides of
   * its values: {@code NAME,section.key=value,...} (e.g. {@code upmem-2560-450,system.launchMicros=15};
   * {@link PresetOverrides}). The overridden machine is named by the whole spec.
   */
  public static HardwareConfig presetOrFile(String spec) {
    int comma = spec.indexOf(',');
    String base = comma < 0 ? spec : spec.substring(0, comma).trim();
    if (comma < 0) {
      return base.endsWith(".json") ? load(Path.of(base)) : preset(base);
    }
    byte[] json = base.endsWith(".json") ? fileBytes(Path.of(base)) : presetBytes(base);
    return PresetParser.parse(PresetOverrides.apply(json, spec.substring(comma + 1), spec), spec);
  }

  /** The same machine with only nrDpus usable (as PIM-LLM used 2,048 of 2,560); more than physical is an error. */
  public HardwareConfig withDpus(int nrDpus) {
    if (nrDpus < 1 || nrDpus > physicalDpus) {
      throw new IllegalArgumentException("cannot use " + nrDpus + " DPUs on " + name + ", which has "
          + physicalDpus + " DPUs; choose 1.." + physicalDpus);
    }
    return new HardwareConfig(name, description, physicalDpus, nrDpus, dpusPerRank, clockHz, mramBytes, wramBytes,
        iramInstructions, maxTasklets, pipeline, dma, opCosts, host, system, hostCpu, parameters);
  }

  /**
   * The same machine with host buffers placed NUMA-aware (true) or all on the first socket (false); the
   * displayed {@link #parameters()} keep the preset's value.
   */
  public HardwareConfig withNumaAwareAllocation(boolean numaAware) {
    return new HardwareConfig(name, description, physicalDpus, totalDpus, dpusPerRank, clockHz, mramBytes, wramBytes,
        iramInstructions, maxTasklets, pipeline, dma, opCosts, host.withNumaAwareAllocation(numaAware), system, hostCpu,
        parameters);
  }

  /** Ranks of the whole machine (usable or not): what the sockets and channels hold. */
  public int physicalRanks() {
    return Math.ceilDiv(physicalDpus, dpusPerRank);
  }

  /** Ranks holding the usable DPUs. */
  public int nrRanks() {
    return Math.ceilDiv(totalDpus, dpusPerRank);
  }

  public int dmaMinBytes() {
    return dma.minBytes();
  }

  public int dmaMaxBytes() {
    return dma.maxBytes();
  }

  public int dmaAlignBytes() {
    return dma.alignBytes();
  }

  /** bytes rounded up to the DMA alignment: what an argument block or a WRAM allocation occupies. */
  public int dmaAligned(int bytes) {
    return Math.ceilDiv(bytes, dma.alignBytes()) * dma.alignBytes();
  }

  /** Instructions of one 32-bit software multiply of these operands (the runtime's __mulsi3; {@link OpCosts#mul32}). */
  public double mul32Cost(long a, long b) {
    return opCosts.mul32(a, b);
  }

  /** Instructions one operation costs, from the op table. */
  public double opCost(OpClass op, DType type) {
    return opCosts.cost(op, type);
  }

  /** Seconds of a number of DPU cycles. */
  public double seconds(double cycles) {
    return cycles / clockHz;
  }
}
