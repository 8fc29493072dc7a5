package org.pimllm.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a program's tasklets on one DPU and records their {@link Trace}s.
 *
 * <p>Tasklets run one at a time, in id order, so a run is deterministic and needs no locking of WRAM or
 * MRAM. A program whose tasklets meet at barriers runs each tasklet on a virtual thread, handing a baton
 * from tasklet to tasklet: tasklet i runs until its next barrier (or its end), then tasklet i+1 runs, and
 * when all have arrived the next phase starts again at tasklet 0 — phase by phase, as barrier semantics
 * require. A single tasklet, or a program that declares no barriers, runs directly on the caller's thread.
 */
final class DpuExecution {

  private final DpuProgram program;
  private final HardwareConfig cfg;
  private final int dpuIndex;
  private final DpuArgs args;
  private final Mram mram; // null in TIMING_ONLY
  private final boolean functional;
  private final int heapCapacity;
  private int heapUsed;
  private final Trace[] traces;
  private Baton baton;
  private final java.util.Map<String, WramBuffer> shared = new java.util.HashMap<>();
  /** Functional checks of synchronization: mutex id -> holder, notifies not yet awaited per tasklet. */
  private final java.util.Map<Integer, Integer> mutexHolder = new java.util.HashMap<>();
  private int[] pendingNotifies;

  DpuExecution(DpuProgram program, HardwareConfig cfg, int dpuIndex, DpuArgs args, Mram mram, boolean functional) {
    this.program = program;
    this.cfg = cfg;
    this.dpuIndex = dpuIndex;
    this.args = args;
    this.mram = mram;
    this.functional = functional;
    int argsBytes = args == null ? 0 : cfg.dmaAligned(args.sizeBytes());
    this.heapCapacity = cfg.wramBytes() - program.nrTasklets() * program.stackBytesPerTasklet() - argsBytes;
    this.traces = new Trace[program.nrTasklets()];
  }

  /** The WRAM globals of the run by name ({@link Tasklet#wramShared}), as the host sees them after the launch. */
  java.util.Map<String, WramBuffer> sharedBuffers() {
    return shared;
  }

  /** Runs every tasklet and returns their traces, indexed by tasklet id. */
  Trace[] run() {
    int n = program.nrTasklets();
    pendingNotifies = new int[n];
    for (int i = 0; i < n; i++) {
      traces[i] = new Trace();
    }
    if (n == 1 || !program.usesBarriers()) {
      for (int i = 0; i < n; i++) {
        program.run(new TaskletImpl(i));
      }
    } else {
      runInterleaved(n);
    }
    return traces;
  }

  private void runInterleaved(int n) {
    baton = new Baton(n);
    List<Thread> threads = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int me = i;
      Thread thread = Thread.ofVirtual().name("dpu" + dpuIndex + "-tasklet" + me).unstarted(() -> {
        try {
          baton.awaitTurn(me);
          program.run(new TaskletImpl(me));
          baton.yield(me, true);
        } catch (Baton.Aborted e) {
          // another tasklet failed; its failure is reported
        } catch (Throwable e) {
          baton.fail(e);
        }
      });
      baton.register(me, thread);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while running DPU " + dpuIndex, e);
      }
    }
    Throwable failure = baton.failure();
    if (failure instanceof RuntimeException re) {
      throw re;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  private String where(int me) {
    return "DPU " + dpuIndex + " tasklet " + me + " (" + program.name() + ")";
  }

  private final class TaskletImpl implements Tasklet {
    private final int me;
    private final Trace trace;

    TaskletImpl(int me) {
      this.me = me;
      this.trace = traces[me];
    }

    @Override
    public int me() {
      return me;
    }

    @Override
    public int nrTasklets() {
      return traces.length;
    }

    @Override
    public int dpuIndex() {
      return dpuIndex;
    }

    @Override
    public <A extends DpuArgs> A args(Class<A> type) {
      if (args == null) {
        throw new IllegalStateException(where(me) + ": no DpuArgs were pushed to this DPU; call DpuSet.pushArgs before launch");
      }
      if (!type.isInstance(args)) {
        throw new IllegalStateException(where(me) + ": the DPU's args are a " + args.getClass().getSimpleName()
            + ", not a " + type.getSimpleName());
      }
      return type.cast(args);
    }

    @Override
    public boolean functional() {
      return functional;
    }

    @Override
    public WramBuffer wramAlloc(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException(where(me) + ": wramAlloc(" + bytes + "): size must be positive");
      }
      int rounded = cfg.dmaAligned(bytes);
      if ((long) heapUsed + rounded > heapCapacity) {
        throw new IllegalArgumentException(where(me) + ": wramAlloc(" + bytes + ") exceeds WRAM: " + heapUsed + " of "
            + heapCapacity + " heap bytes already used (" + cfg.wramBytes() + " B WRAM minus " + traces.length
            + " stacks of " + program.stackBytesPerTasklet() + " B and the args); use smaller buffers or fewer tasklets");
      }
      heapUsed += rounded;
      return new WramBuffer(bytes, functional);
    }

    @Override
    public WramBuffer wramShared(String name, int bytes) {
      WramBuffer b = shared.get(name);
      if (b == null) {
        b = wramAlloc(bytes);
        shared.put(name, b);
      } else if (b.size() != bytes) {
        throw new IllegalArgumentException(where(me) + ": wramShared(\"" + name + "\", " + bytes
            + "): the buffer exists with " + b.size() + " bytes; every tasklet must ask for the same size");
      }
      return b;
    }

    @Override
    public void mramRead(long mramAddr, WramBuffer dst, int dstOffset, int bytes) {
      checkDma("mramRead", mramAddr, dst, dstOffset, bytes);
      if (functional) {
        mram.read(mramAddr, dst.array(), dstOffset, bytes);
      }
      trace.dmaRead(bytes);
    }

    @Override
    public void mramWrite(WramBuffer src, int srcOffset, long mramAddr, int bytes) {
      checkDma("mramWrite", mramAddr, src, srcOffset, bytes);
      if (functional) {
        mram.write(mramAddr, src.array(), srcOffset, bytes);
      }
      trace.dmaWrite(bytes);
    }

    private void checkDma(String op, long mramAddr, WramBuffer buf, int off, int bytes) {
      HardwareConfig.Dma d = cfg.dma();
      String call = op + "(mram=" + mramAddr + ", wramOffset=" + off + ", bytes=" + bytes + ")";
      if (bytes < d.minBytes() || bytes > d.maxBytes() || bytes % d.alignBytes() != 0) {
        throw new IllegalArgumentException(where(me) + ": " + call + ": a DMA moves a multiple of " + d.alignBytes()
            + " bytes between " + d.minBytes() + " and " + d.maxBytes() + "; split or pad the transfer");
      }
      if (mramAddr % d.alignBytes() != 0 || off % d.alignBytes() != 0) {
        throw new IllegalArgumentException(where(me) + ": " + call + ": MRAM address and WRAM offset must be "
            + d.alignBytes() + "-byte aligned");
      }
      if (mramAddr < 0 || mramAddr + bytes > cfg.mramBytes()) {
        throw new IllegalArgumentException(where(me) + ": " + call + ": outside MRAM (0.." + cfg.mramBytes() + ")");
      }
      if (buf == null || off < 0 || off + bytes > buf.size()) {
        throw new IllegalArgumentException(where(me) + ": " + call + ": outside the WRAM buffer of "
            + (buf == null ? "null" : buf.size() + " bytes"));
      }
    }

    @Override
    public void mutexLock(int id) {
      if (id < 0) {
        throw new IllegalArgumentException(where(me) + ": mutexLock(" + id + "): mutex ids are >= 0");
      }
      Integer holder = mutexHolder.get(id);
      if (holder != null) {
        throw new IllegalStateException(where(me) + ": mutexLock(" + id + "): tasklet " + holder + " still holds it;"
            + (holder == me ? " a tasklet cannot lock a mutex twice" : " release it before a barrier or handshake"));
      }
      mutexHolder.put(id, me);
      trace.mutexLock(id);
    }

    @Override
    public void mutexUnlock(int id) {
      Integer holder = mutexHolder.get(id);
      if (holder == null || holder != me) {
        throw new IllegalStateException(where(me) + ": mutexUnlock(" + id + ") of a mutex this tasklet does not hold");
      }
      mutexHolder.remove(id);
      trace.mutexUnlock(id);
    }

    @Override
    public void handshakeWaitFor(int tasklet) {
      if (tasklet < 0 || tasklet >= traces.length || tasklet == me) {
        throw new IllegalArgumentException(where(me) + ": handshakeWaitFor(" + tasklet + "): name another tasklet, 0.."
            + (traces.length - 1));
      }
      if (pendingNotifies[tasklet] == 0) {
        throw new IllegalStateException(where(me) + ": handshakeWaitFor(" + tasklet + ") but that tasklet has not"
            + " notified; tasklets run in id order between barriers, so wait only for a lower id that notifies first");
      }
      pendingNotifies[tasklet]--;
      trace.handshakeWaitFor(tasklet);
    }

    @Override
    public void handshakeNotify() {
      pendingNotifies[me]++;
      trace.handshakeNotify();
    }

    @Override
    public void barrier() {
      if (mutexHolder.containsValue(me)) {
        throw new IllegalStateException(where(me) + ": barrier() while holding a mutex; unlock it first");
      }
      trace.barrier();
      if (baton != null) {
        baton.yield(me, false);
      } else if (traces.length > 1) {
        throw new IllegalStateException(where(me) + ": barrier() called but the program's usesBarriers() is false");
      }
    }

    @Override
    public void timerStart() {
      trace.timerStart();
    }

    @Override
    public void timerStop() {
      trace.timerStop();
    }

    @Override
    public void instructions(long n) {
      if (n < 0) {
        throw new IllegalArgumentException(where(me) + ": instructions(" + n + "): count must be >= 0");
      }
      trace.compute(n);
    }

    @Override
    public void mul32(long a, long b) {
      trace.compute(cfg.mul32Cost(a, b));
    }

    @Override
    public void compute(OpClass op, DType type, long count) {
      if (count < 0) {
        throw new IllegalArgumentException(where(me) + ": compute(" + op + ", " + type + ", " + count + "): count must be >= 0");
      }
      trace.compute(cfg.opCost(op, type) * count);
    }
  }

  /**
   * Lets one tasklet run at a time, in id order within each barrier phase. Only the tasklet holding the
   * baton touches the phase state; handing it on is a volatile write of {@code turn} plus an unpark of
   * exactly the next tasklet's thread (so a hand-off wakes one thread, not all of them).
   */
  private final class Baton {
    static final class Aborted extends RuntimeException {
      Aborted() {
        super(null, null, false, false);
      }
    }

    private final boolean[] atBarrier;
    private final boolean[] finished;
    private final Thread[] threads;
    private volatile int turn;
    private volatile Throwable failure;

    Baton(int n) {
      atBarrier = new boolean[n];
      finished = new boolean[n];
      threads = new Thread[n];
    }

    void register(int me, Thread thread) {
      threads[me] = thread;
    }

    void awaitTurn(int me) {
      while (turn != me && failure == null) {
        LockSupport.park(this);
      }
      if (failure != null) {
        throw new Aborted();
      }
    }

    /** Tasklet me reached a barrier (finishing = false) or its end; pass the baton on. */
    void yield(int me, boolean finishing) {
      if (finishing) {
        finished[me] = true;
      } else {
        atBarrier[me] = true;
      }
      int next = nextInPhase(me);
      if (next < 0) {
        next = endPhase();
      }
      if (next >= 0) {
        turn = next;
        LockSupport.unpark(threads[next]);
      } else {
        turn = -1;
        if (failure != null) {
          wakeAll();
        }
      }
      if (!finishing) {
        awaitTurn(me);
      }
    }

    private int nextInPhase(int me) {
      for (int t = me + 1; t < finished.length; t++) {
        if (!finished[t] && !atBarrier[t]) {
          return t;
        }
      }
      return -1;
    }

    /** Every tasklet has yielded: start the next phase, or stop (all done, or a barrier nobody else meets). */
    private int endPhase() {
      List<Integer> waiting = new ArrayList<>();
      List<Integer> ended = new ArrayList<>();
      for (int t = 0; t < finished.length; t++) {
        if (atBarrier[t]) {
          waiting.add(t);
        } else if (finished[t]) {
          ended.add(t);
        }
      }
      if (waiting.isEmpty()) {
        return -1;
      }
      if (!ended.isEmpty()) {
        failure = new IllegalStateException("DPU " + dpuIndex + " (" + program.name() + "): tasklet(s) " + ended
            + " finished while tasklet(s) " + waiting + " wait at barrier(); every tasklet must call barrier()"
            + " the same number of times (on the DPU this deadlocks)");
        return -1;
      }
      java.util.Arrays.fill(atBarrier, false);
      return waiting.get(0);
    }

    void fail(Throwable e) {
      if (failure == null) {
        failure = e;
      }
      wakeAll();
    }

    private void wakeAll() {
      for (Thread t : threads) {
        LockSupport.unpark(t);
      }
    }

    Throwable failure() {
      return failure;
    }
  }
}
