package org.pimllm.passes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.text.PrintOptions;
import org.pimllm.ir.text.Printer;

/**
 * Instrument that writes the IR before and/or after every pass into a folder, as Graal's graph
 * dumps: {@code 03-FoldConstant.before.relay}, {@code 03-FoldConstant.after.relay}. Files are the
 * printer's full text form (they parse back), so a dump can be fed to {@code pimllm compile --ir}.
 */
public final class IrDump implements PassInstrument {

    private final Path dir;
    private final boolean before;
    private final boolean after;
    private final PrintOptions printOptions;
    private final List<Path> written = new ArrayList<>();
    private int counter;

    /**
     * @param dir    folder to write into (created if missing)
     * @param before dump the module each pass receives
     * @param after  dump the module each pass returns
     */
    public IrDump(Path dir, boolean before, boolean after) {
        this(dir, before, after, PrintOptions.FULL);
    }

    public IrDump(Path dir, boolean before, boolean after, PrintOptions printOptions) {
        this.dir = dir;
        this.before = before;
        this.after = after;
        this.printOptions = printOptions;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the IR dump folder " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void runBeforePass(IRModule module, PassInfo pass) {
        counter++;
        if (before) write(module, pass, "before");
    }

    @Override
    public void runAfterPass(IRModule result, PassInfo pass) {
        if (after) write(result, pass, "after");
    }

    /** Files written so far, in order. */
    public List<Path> written() { return List.copyOf(written); }

    private void write(IRModule m, PassInfo pass, String when) {
        Path file = dir.resolve(String.format(Locale.ROOT, "%02d-%s.%s.relay", counter, pass.name(), when));
        try {
            Files.writeString(file, Printer.print(m, printOptions));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write IR dump " + file + ": " + e.getMessage(), e);
        }
        written.add(file);
    }
}
