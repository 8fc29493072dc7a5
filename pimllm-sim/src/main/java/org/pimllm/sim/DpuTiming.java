package org.pimllm.sim;

/**
 * The timing model of one DPU: replays its tasklets' {@link Trace}s through an event simulation of the
 * revolver pipeline, the DMA engine and barriers, and returns the cycles until the last tasklet ends.
 *
 * <p>Pipeline: while k tasklets are in compute bursts, each issues at rate min(1/revolver, issuePerCycle/k)
 * instructions per cycle — a tasklet issues at most once every {@code revolverCycles} cycles and the DPU at
 * most {@code issuePerCycle} instructions per cycle in total, shared evenly (the revolver scheduler is
 * round-robin). Between events the rates are constant, so one step jumps to the next burst end or DMA end.
 *
 * <p>DMA engine: one transfer at a time, first come first served; a transfer occupies the engine for
 * alpha + beta*bytes cycles (alpha by direction), which is also its latency when alone. A tasklet waits
 * (issues nothing) from its request to the end of its transfer. Concurrent DMAs therefore share the engine
 * by queueing, and compute of other tasklets overlaps with them.
 *
 * <p>Barrier: a tasklet at a barrier waits until every tasklet that has not finished reaches it.
 *
 * <p>Mutex: a tasklet that finds the mutex held spins on it (the SDK's mutex_lock retries an {@code acquire}
 * instruction), so it keeps taking its share of the issue slots without progressing, which slows the holder;
 * on unlock the mutex goes to the longest-waiting spinner. Handshake: handshake_wait_for(s) sleeps until
 * tasklet s calls handshake_notify, and a notify with nobody waiting for it sleeps until someone does (the
 * SDK's rendezvous); sleeping tasklets take no issue slots.
 */
public final class DpuTiming {

  /**
   * Cycles of one DPU run and what it did.
   *
   * @param cycles until the last tasklet ended
   * @param instructions issued by all tasklets
   * @param dmaBytes moved by all DMAs
   * @param dmaBusyCycles cycles the DMA engine was busy
   * @param timedCycles the largest per-tasklet sum of timerStart..timerStop intervals (0 without timers),
   *     which is how PrIM's microbenchmarks read their perfcounters
   */
  public record Result(double cycles, double instructions, long dmaBytes, double dmaBusyCycles, double timedCycles) {
    public long wholeCycles() {
      return (long) Math.ceil(cycles - 1e-9);
    }
  }

  private static final byte RUN = 0;
  private static final byte DMA = 1;
  private static final byte BAR = 2;
  private static final byte DONE = 3;
  /** Waiting for a held mutex: takes issue slots, makes no progress. */
  private static final byte SPIN = 4;
  /** Sleeping in handshake_wait_for until the awaited tasklet notifies. */
  private static final byte HS_WAIT = 5;
  /** Sleeping in handshake_notify until a tasklet waits for this one. */
  private static final byte HS_NOTIFY = 6;

  private final double revolver;
  private final double issuePerCycle;
  private final HardwareConfig.Dma dma;

  public DpuTiming(HardwareConfig cfg) {
    this.revolver = cfg.pipeline().revolverCycles();
    this.issuePerCycle = cfg.pipeline().issuePerCycle();
    this.dma = cfg.dma();
  }

  /** Simulates the tasklets' traces (index = tasklet id) and returns the DPU's cycles. */
  public Result simulate(Trace[] traces) {
    return new Run(traces).go();
  }

  private final class Run {
    final Trace[] tr;
    final int n;
    final int[] pos;
    final double[] rem;
    final byte[] state;
    final int[] queue;
    int qHead;
    int qSize;
    int dmaCur = -1;
    double dmaEnd;
    double now;
    int computing;
    int atBarrier;
    int done;
    double instructions;
    long dmaBytes;
    double dmaBusy;
    final double[] timerStart;
    final double[] timed;
    int spinning;
    /** Mutex id -> holding tasklet (absent = free) and the spinners in arrival order. */
    final java.util.Map<Integer, Integer> mutexOwner = new java.util.HashMap<>();
    final java.util.Map<Integer, java.util.ArrayDeque<Integer>> mutexWaiters = new java.util.HashMap<>();
    /** Tasklet awaited by each tasklet in HS_WAIT. */
    final int[] awaited;
    final int[] ended;

    Run(Trace[] traces) {
      tr = traces;
      n = traces.length;
      pos = new int[n];
      rem = new double[n];
      state = new byte[n];
      queue = new int[n];
      timerStart = new double[n];
      timed = new double[n];
      awaited = new int[n];
      ended = new int[n];
    }

    Result go() {
      for (int t = 0; t < n; t++) {
        enterSegment(t);
      }
      while (done < n) {
        if (atBarrier > 0 && atBarrier + done == n) {
          releaseBarrier();
          continue;
        }
        step();
      }
      double maxTimed = 0;
      for (double x : timed) {
        maxTimed = Math.max(maxTimed, x);
      }
      return new Result(now, instructions, dmaBytes, dmaBusy, maxTimed);
    }

    /** Advances time to the next event: the end of the shortest compute burst or of the DMA in service. */
    void step() {
      // Spinners compete for issue slots (rate is shared over computing + spinning tasklets).
      double rate = computing == 0 ? 0 : Math.min(1.0 / revolver, issuePerCycle / (computing + spinning));
      double minRem = Double.POSITIVE_INFINITY;
      if (computing > 0) {
        for (int t = 0; t < n; t++) {
          if (state[t] == RUN && rem[t] < minRem) {
            minRem = rem[t];
          }
        }
      }
      double computeEnd = computing == 0 ? Double.POSITIVE_INFINITY : now + minRem / rate;
      double dmaDone = dmaCur >= 0 ? dmaEnd : Double.POSITIVE_INFINITY;
      if (computeEnd == Double.POSITIVE_INFINITY && dmaDone == Double.POSITIVE_INFINITY) {
        throw new IllegalStateException("timing model stalled: no tasklet can progress (a barrier, mutex or"
            + " handshake nobody releases: the program deadlocks on the DPU)");
      }
      boolean computeFirst = computeEnd <= dmaDone;
      double next = computeFirst ? computeEnd : dmaDone;
      double issued = computeFirst ? minRem : rate * (next - now);
      now = next;
      int dmaFinished = dmaDone <= next ? dmaCur : -1;
      if (dmaFinished >= 0) {
        dmaCur = -1;
        startNextDma();
      }
      // Drain compute bursts in tasklet order so the replay is deterministic.
      // Bursts that end are collected first: entering the next segment may wake another tasklet (a mutex
      // unlock, a handshake), which must not be charged this step's instructions.
      if (computing > 0) {
        int nEnded = 0;
        for (int t = 0; t < n; t++) {
          if (state[t] == RUN && t != dmaFinished) {
            rem[t] -= issued;
            if (rem[t] <= 1e-9 * Math.max(1.0, issued)) {
              ended[nEnded++] = t;
            }
          }
        }
        for (int i = 0; i < nEnded; i++) {
          int t = ended[i];
          computing--;
          pos[t]++;
          enterSegment(t);
        }
      }
      if (dmaFinished >= 0) {
        pos[dmaFinished]++;
        enterSegment(dmaFinished);
      }
    }

    void releaseBarrier() {
      for (int t = 0; t < n; t++) {
        if (state[t] == BAR) {
          atBarrier--;
          pos[t]++;
          enterSegment(t);
        }
      }
    }

    /** Puts tasklet t into the state of its segment at pos[t]. */
    void enterSegment(int t) {
      Trace trace = tr[t];
      while (pos[t] < trace.size()) {
        byte kind = trace.kind(pos[t]);
        double v = trace.value(pos[t]);
        switch (kind) {
          case Trace.COMPUTE -> {
            if (v > 0) {
              instructions += v;
              state[t] = RUN;
              rem[t] = v;
              computing++;
              return;
            }
            pos[t]++;
          }
          case Trace.DMA_READ, Trace.DMA_WRITE -> {
            dmaBytes += (long) v;
            state[t] = DMA;
            queue[(qHead + qSize) % n] = t;
            qSize++;
            if (dmaCur < 0) {
              startNextDma();
            }
            return;
          }
          case Trace.BARRIER -> {
            state[t] = BAR;
            atBarrier++;
            return;
          }
          case Trace.MUTEX_LOCK -> {
            int id = (int) v;
            Integer owner = mutexOwner.get(id);
            if (owner == null) {
              mutexOwner.put(id, t);
              pos[t]++;
            } else {
              if (owner == t) {
                throw new IllegalStateException("tasklet " + t + " locks mutex " + id + " it already holds (deadlock on the DPU)");
              }
              mutexWaiters.computeIfAbsent(id, k -> new java.util.ArrayDeque<>()).add(t);
              state[t] = SPIN;
              spinning++;
              return;
            }
          }
          case Trace.MUTEX_UNLOCK -> {
            int id = (int) v;
            Integer owner = mutexOwner.get(id);
            if (owner == null || owner != t) {
              throw new IllegalStateException("tasklet " + t + " unlocks mutex " + id + " it does not hold");
            }
            pos[t]++;
            java.util.ArrayDeque<Integer> q = mutexWaiters.get(id);
            if (q == null || q.isEmpty()) {
              mutexOwner.remove(id);
            } else {
              int next = q.poll();
              mutexOwner.put(id, next);
              spinning--;
              pos[next]++;
              enterSegment(next);
            }
          }
          case Trace.HANDSHAKE_WAIT -> {
            int src = (int) v;
            if (state[src] == HS_NOTIFY && src != t) {
              pos[src]++;
              pos[t]++;
              enterSegment(src);
            } else {
              state[t] = HS_WAIT;
              awaited[t] = src;
              return;
            }
          }
          case Trace.HANDSHAKE_NOTIFY -> {
            int waiter = -1;
            for (int w = 0; w < n && waiter < 0; w++) {
              if (state[w] == HS_WAIT && awaited[w] == t) {
                waiter = w;
              }
            }
            if (waiter < 0) {
              state[t] = HS_NOTIFY;
              return;
            }
            pos[waiter]++;
            pos[t]++;
            enterSegment(waiter);
          }
          case Trace.TIMER_START -> {
            timerStart[t] = now;
            pos[t]++;
          }
          case Trace.TIMER_STOP -> {
            timed[t] += now - timerStart[t];
            pos[t]++;
          }
          default -> throw new IllegalStateException("unknown segment kind " + kind);
        }
      }
      state[t] = DONE;
      done++;
    }

    void startNextDma() {
      if (qSize == 0) {
        return;
      }
      int t = queue[qHead];
      qHead = (qHead + 1) % n;
      qSize--;
      Trace trace = tr[t];
      double cycles = dma.cycles(trace.kind(pos[t]) == Trace.DMA_WRITE, (int) trace.value(pos[t]));
      dmaCur = t;
      dmaEnd = now + cycles;
      dmaBusy += cycles;
    }
  }
}
