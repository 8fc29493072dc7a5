package org.pimllm.passes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pimllm.ir.IRModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Instrument that measures the wall-clock time of every pass (TVM's PassTimingInstrument). Times
 * are measurements of this JVM, for finding slow passes; they are logged at DEBUG and listed by
 * {@link #report()}. Not thread-safe: one instance per compilation.
 */
public final class PassTiming implements PassInstrument {

    private static final Logger LOG = LoggerFactory.getLogger(PassTiming.class);

    /** One pass run: name, wall-clock milliseconds, or a skip with its reason (millis NaN). */
    public record Entry(String pass, double millis, String skipped) {
        public boolean ran() { return skipped == null; }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final List<Long> starts = new ArrayList<>();

    @Override
    public void runBeforePass(IRModule module, PassInfo pass) {
        starts.add(System.nanoTime());
    }

    @Override
    public void runAfterPass(IRModule result, PassInfo pass) {
        long start = starts.removeLast();
        double ms = (System.nanoTime() - start) / 1e6;
        entries.add(new Entry(pass.name(), ms, null));
        LOG.debug("pass {} took {} ms", pass.name(), String.format(Locale.ROOT, "%.3f", ms));
    }

    @Override
    public void passSkipped(PassInfo pass, String reason) {
        entries.add(new Entry(pass.name(), Double.NaN, reason));
    }

    /** Every pass seen, in order. */
    public List<Entry> entries() { return List.copyOf(entries); }

    /** Total milliseconds of the passes that ran. */
    public double totalMillis() {
        return entries.stream().filter(Entry::ran).mapToDouble(Entry::millis).sum();
    }

    /** A table: one line per pass with its time (measured wall clock) or why it was skipped. */
    public String report() {
        StringBuilder sb = new StringBuilder("pass timing (wall clock, this JVM):\n");
        for (Entry e : entries) {
            if (e.ran()) {
                sb.append(String.format(Locale.ROOT, "  %-28s %10.3f ms%n", e.pass(), e.millis()));
            } else {
                sb.append(String.format(Locale.ROOT, "  %-28s    skipped (%s)%n", e.pass(), e.skipped()));
            }
        }
        sb.append(String.format(Locale.ROOT, "  %-28s %10.3f ms%n", "total", totalMillis()));
        return sb.toString();
    }
}
