package org.pimllm.sim;

/**
 * What a tasklet's body sees: the DPU runtime API (me(), mram_read/mram_write, mem_alloc, barrier_wait)
 * plus explicit instruction charges for computation, which the timing model needs because the Java body
 * itself is not timed.
 */
public interface Tasklet {
  /** This tasklet's id, 0..nrTasklets()-1. */
  int me();

  int nrTasklets();

  /** Index of this DPU within its DpuSet. In TIMING_ONLY it is the index of one DPU of those sharing the timing. */
  int dpuIndex();

  /** The DPU's arguments, as pushed by {@link DpuSet#pushArgs}; error if none were pushed or of another type. */
  <A extends DpuArgs> A args(Class<A> type);

  /** False in TIMING_ONLY: buffers carry no data, so skip the Java arithmetic (but still charge it). */
  boolean functional();

  /** mem_alloc from the WRAM heap shared by the DPU's tasklets (8-byte aligned); exceeding WRAM is an error. */
  WramBuffer wramAlloc(int bytes);

  /**
   * A WRAM global shared by all tasklets of this DPU (like a {@code __dma_aligned} array in DPU C): the first
   * call with a name allocates it from the heap, later calls from any tasklet return the same buffer.
   */
  WramBuffer wramShared(String name, int bytes);

  /** mram_read: MRAM -> WRAM; 8-aligned addresses, a multiple of 8 in [dmaMin, dmaMax] bytes; blocks the tasklet. */
  void mramRead(long mramAddr, WramBuffer dst, int dstOffset, int bytes);

  /** mram_write: WRAM -> MRAM, same rules as {@link #mramRead}. */
  void mramWrite(WramBuffer src, int srcOffset, long mramAddr, int bytes);

  /** barrier_wait on a barrier of all tasklets of this DPU. */
  void barrier();

  /**
   * mutex_lock on mutex id (a MUTEX_INIT of the program; ids are the program's own, >= 0). Costs no instructions
   * itself (charge the acquire loop explicitly); in the timing model a tasklet that finds the mutex held spins,
   * taking issue slots, until it gets it. Functionally tasklets run one at a time, so holding a mutex across a
   * barrier or a handshake is an error.
   */
  void mutexLock(int id);

  /** mutex_unlock on mutex id, which this tasklet must hold. */
  void mutexUnlock(int id);

  /**
   * handshake_wait_for(tasklet): sleeps until that tasklet calls {@link #handshakeNotify()}. Functionally
   * tasklets run in id order between barriers, so only a lower id that has already notified can be awaited.
   */
  void handshakeWaitFor(int tasklet);

  /** handshake_notify(): wakes the tasklet waiting for this one, or sleeps until one waits. */
  void handshakeNotify();

  /**
   * Starts this tasklet's cycle timer (PrIM's timer_start on the perfcounter). Costs no time itself: charge
   * the instructions of the timer code explicitly if they matter.
   */
  void timerStart();

  /** Stops the timer and adds the interval to this tasklet's timed cycles (see {@link LaunchResult#timedCycles()}). */
  void timerStop();

  /** Charges n issued instructions (an explicit instruction sequence of the program). */
  void instructions(long n);

  /**
   * Charges one 32-bit multiply of these operand values as the runtime's __mulsi3 executes it: its cost grows
   * with the bit length of the smaller operand (preset opCosts.mulsi3). Use it where the operands are known;
   * {@code compute(MUL, INT32, n)} charges the op table's data-independent cost.
   */
  void mul32(long a, long b);

  /** Charges count operations of the given class and dtype, each costed from the preset's op table. */
  void compute(OpClass op, DType type, long count);
}
