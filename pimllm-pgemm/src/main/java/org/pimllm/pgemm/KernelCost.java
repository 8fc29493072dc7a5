package org.pimllm.pgemm;

import org.pimllm.sim.DType;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.OpClass;

/**
 * Instruction counts of the GEMM kernel, derived from its explicit DPU instruction sequences (see
 * {@code docs/pgemm.md}, "Kernel"), so a reader can check every number against the listing.
 *
 * <p>The inner loop works on one "step": an 8-byte {@code ld} (a register pair) of A and one of B.
 *
 * <pre>
 * int8, 8 MACs, 22 instructions             int16, 4 MACs, 38 instructions
 *   ld   d0, pa, off   ; a0..a7 -> r0:r1       ld d0, pa, off ; ld d2, pb, off
 *   ld   d2, pb, off   ; b0..b7 -> r2:r3       per element (8):  mul_ul_ul t0, ra, rb
 *   per 32-bit word pair (r0,r2), (r1,r3):                       mul_sh_ul t1, ra, rb
 *     mul_sl_sl t, ra, rb ; add acc, acc, t                      mul_ul_sh t2, ra, rb
 *     mul_sh_sh t, ra, rb ; add acc, acc, t                      mul_sh_sh t3, ra, rb
 *     lsr ra, ra, 16      ; lsr rb, rb, 16                       add t1, t1, t2
 *     mul_sl_sl t, ra, rb ; add acc, acc, t                      lsl_add t0, t0, t1, 8
 *     mul_sh_sh t, ra, rb ; add acc, acc, t                      lsl_add t0, t0, t3, 16
 *   = 2 + 2 x 10                                                 add acc, acc, t0
 *                                             per word: element, lsr ra 16, lsr rb 16, element = 18
 *                                             = 2 + 2 x 18
 * int32, 2 MACs: ld d0 ; ld d2 ; per element: move r0,ra ; move r1,rb ; call __mulsi3 ; add acc,acc,r0
 *   = 2 + 2 x 4 explicit, plus 2 software int32 multiplies costed from the preset's op table.
 * fp32, 2 MACs: ld d0 ; ld d2 ; per element: move, move, call __mulsf3, move, move, call __addsf3
 *   = 2 + 2 x 6 explicit, plus 2 software fp32 multiplies and 2 fp32 adds from the preset's op table.
 * </pre>
 *
 * The loop around the steps is unrolled 4 times (32 bytes of each operand) and closes with
 * {@code add pa, pa, 32 ; add pb, pb, 32 ; jltu pa, pend, loop} (3 instructions).
 */
public final class KernelCost {
  private KernelCost() {}

  /** Bytes of each operand one inner-loop step loads (one {@code ld} of a register pair). */
  public static final int STEP_BYTES = 8;
  /** Steps per unrolled loop iteration. */
  public static final int UNROLL = 4;
  /** add pa ; add pb ; jltu: closes one unrolled iteration. */
  public static final int LOOP_CONTROL = 3;
  /**
   * Per (row, column) pair per K tile, around the inner loop: set pa, set pb, compute pend, lw acc, sw acc,
   * next column + branch = 7.
   */
  public static final int PAIR_OVERHEAD = 7;
  /** One {@code mram_read}/{@code mram_write}: MRAM address add, WRAM address add, 2 argument moves, ldma, branch back = 6. */
  public static final int DMA_ISSUE = 6;
  /** Per K tile of a work item besides its DMAs: advance the MRAM offsets (2), tile loop compare + branch (2), reset row index (1) = 5. */
  public static final int TILE_OVERHEAD = 5;
  /** Per work item: next item index, decode (batch, row block, column block) incrementally, bounds = 14. */
  public static final int ITEM_OVERHEAD = 14;
  /** With kSplit > 1, per output and per extra partial: lw partial + add (the sw of the sum is in itemInstructions). */
  public static final int COMBINE_PER_PARTIAL = 2;
  /** With kSplit > 1, per round: two barrier_wait calls (each a call, an atomic and a branch around the wait) = 8. */
  public static final int ROUND_BARRIERS = 8;
  /** Per tasklet: read args, allocate WRAM buffers, compute the first item = 40. */
  public static final int TASKLET_PROLOGUE = 40;

  /** Stack one tasklet reserves: the kernel is a leaf loop plus the runtime's call into the soft-float/mul routines. */
  public static final int STACK_BYTES_PER_TASKLET = 512;
  /** Size of the per-DPU argument block (a WRAM host symbol). */
  public static final int ARGS_BYTES = 64;

  /** Explicit instructions of one step. */
  public static int stepInstructions(GemmDType t) {
    return switch (t) {
      case INT8 -> 22;
      case INT16 -> 38;
      case INT32 -> 2 + 2 * 4;
      case FP32 -> 2 + 2 * 6;
      case INT4_G32, INT4_G64, INT4_G128 -> INT4_STEP;
    };
  }

  /** MACs one step performs. */
  public static int stepMacs(GemmDType t) {
    return t.isInt4() ? INT4_STEP_MACS : STEP_BYTES / t.bytes();
  }

  /** Software multiplies per MAC taken from the preset's op table (int32 and fp32), else 0. */
  public static int softMulsPerMac(GemmDType t) {
    return t == GemmDType.INT32 || t == GemmDType.FP32 ? 1 : 0;
  }

  /** Software adds per MAC taken from the preset's op table (fp32 only), else 0. */
  public static int softAddsPerMac(GemmDType t) {
    return t == GemmDType.FP32 ? 1 : 0;
  }

  /**
   * Instructions per MAC of the software routines (int32 multiply; fp32 multiply and add), costed from the
   * preset's op table; 0 for int8 and int16.
   */
  public static double softInstructionsPerMac(GemmDType t, HardwareConfig hw) {
    DType st = switch (t) {
      case INT8, INT4_G32, INT4_G64, INT4_G128 -> DType.INT8;
      case INT16 -> DType.INT16;
      case INT32 -> DType.INT32;
      case FP32 -> DType.FLOAT;
    };
    return softMulsPerMac(t) * hw.opCost(OpClass.MUL, st) + softAddsPerMac(t) * hw.opCost(OpClass.ADD, st);
  }

  /** Program size in IRAM instructions: kernel body plus, for int32/fp32, the runtime's software routines. */
  public static int iramInstructions(GemmDType t) {
    int body = 420; // prologue, item/tile/pair loops, an unrolled x4 step, DMA calls
    return switch (t) {
      case INT8, INT16 -> body;
      case INT4_G32, INT4_G64, INT4_G128 -> body + INT4_IRAM_EXTRA;
      case INT32 -> body + 60;   // __mulsi3 (mul_step loop)
      case FP32 -> body + 650;   // __mulsf3 + __addsf3 with normalisation and rounding
    };
  }

  /** Explicit instructions of one K tile of a work item covering rows x cols outputs. */
  public static long tileInstructions(GemmDType t, int rows, int cols, int tileK) {
    if (t.isInt4()) {
      return (long) rows * cols * int4PairInstructions(t, tileK) + (long) (rows + cols) * DMA_ISSUE + TILE_OVERHEAD;
    }
    int steps = tileK * t.bytes() / STEP_BYTES;
    int loops = (steps + UNROLL - 1) / UNROLL;
    long perPair = PAIR_OVERHEAD + (long) steps * stepInstructions(t) + (long) loops * LOOP_CONTROL;
    return (long) rows * cols * perPair + (long) (rows + cols) * DMA_ISSUE + TILE_OVERHEAD;
  }

  /** Explicit instructions of a work item outside its K tiles: bookkeeping, zeroing the accumulators, C writes. */
  public static long itemInstructions(int rows, int cols) {
    return ITEM_OVERHEAD + (long) rows * cols + (long) rows * DMA_ISSUE;
  }

  /** Instructions the first tasklet of a group spends adding kSplit partial blocks of rows x cols. */
  public static long combineInstructions(int rows, int cols, int kSplit) {
    return (long) rows * cols * (kSplit - 1) * COMBINE_PER_PARTIAL;
  }

  // ---- int8 x int4 (docs/pgemm.md, "int4 weights") ----

  /**
   * One int4 step, 16 MACs, 49 instructions: 16 bytes of A, 8 bytes of B (16 packed weights; byte j of each
   * 4-byte word holds w[j] in its low and w[j + 4] in its high nibble).
   * <pre>
   *   ld  d0, pa, off      ; a0..a7   -> r0:r1
   *   ld  d2, pa, off + 8  ; a8..a15  -> r2:r3
   *   ld  d4, pb, off      ; w0..w15  -> r4:r5 (packed)
   *   per B word (r4, then r5): 3 instructions
   *     and  bh, rb, 0xF0F0F0F0  ; bytes 16*w4..16*w7 (signed int8: the nibble in the top half)
   *     lsl  bl, rb, 4
   *     and  bl, bl, 0xF0F0F0F0  ; bytes 16*w0..16*w3
   *   per (A word, B' word) pair, (r0,bl) (r1,bh) (r2,bl') (r3,bh'): the int8 word sequence, 10 instructions
   *     mul_sl_sl t, ra, rb ; add p, p, t ; mul_sh_sh t, ra, rb ; add p, p, t ; lsr ra, ra, 16 ; lsr rb, rb, 16
   *     mul_sl_sl t, ra, rb ; add p, p, t ; mul_sh_sh t, ra, rb ; add p, p, t
   *   = 3 + 2 x 3 + 4 x 10 = 49
   * </pre>
   * p collects 16 x the group's sum: each product is within 128 x 128, so |p| <= 2^14 x G <= 2^21 (no wrap).
   */
  public static final int INT4_STEP = 49;
  /** MACs of one int4 step. */
  public static final int INT4_STEP_MACS = 16;
  /**
   * Per group of G weights per (row, column) pair: the G/16 steps are unrolled; then the group's sum p times
   * its multiplier m (unsigned byte) added to the accumulator modulo 2^32, and the loop closed:
   * <pre>
   *   asr  p, p, 4            ; the exact sum (p was 16 x it)
   *   lbu  m, pm, g           ; the group's multiplier from the B tile in WRAM
   *   mul_ul_ul t0, p, m      ; byte 0 of p x m
   *   mul_uh_ul t1, p, m      ; byte 1 of p x m
   *   lsr  p, p, 16
   *   mul_ul_ul t2, p, m      ; byte 2
   *   mul_uh_ul t3, p, m      ; byte 3
   *   add  acc, acc, t0
   *   lsl_add acc, acc, t1, 8
   *   lsl_add acc, acc, t2, 16
   *   lsl_add acc, acc, t3, 24 ; acc += p * m (mod 2^32)
   *   move p, 0
   *   add pa, pa, G ; add pb, pb, G/2 ; add g, g, 1 ; jltu g, gend, group   = 16
   * </pre>
   */
  public static final int INT4_GROUP_OVERHEAD = 16;
  /** IRAM of the int4 body beyond the shared kernel: the unrolled group of up to 8 steps and its epilogue. */
  public static final int INT4_IRAM_EXTRA = 8 * INT4_STEP + INT4_GROUP_OVERHEAD;

  /** Instructions of one (row, column) pair over one int4 K tile: pair overhead + per group (steps + epilogue). */
  public static long int4PairInstructions(GemmDType t, int tileK) {
    int g = t.int4Group();
    int groups = Math.ceilDiv(tileK, g);
    return PAIR_OVERHEAD + (long) groups * ((long) (g / INT4_STEP_MACS) * INT4_STEP + INT4_GROUP_OVERHEAD);
  }

  /** The irreducible explicit instructions per MAC: the step body alone (no loop control or overheads). */
  public static double coreInstructionsPerMac(GemmDType t) {
    return (double) stepInstructions(t) / stepMacs(t);
  }
}
