package org.pimllm.cli;

import me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr drawn as bench draws its own (ASCII, redrawn every 250 ms), or nothing at all when
 * {@link Main#showProgress} says no: with --no-progress, or when the console is not a terminal (a pipe or file would
 * receive its control codes).
 */
final class Progress implements AutoCloseable {
  private final ProgressBar bar; // null: off

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  static Progress of(String task, int steps, boolean noProgress) {
    if (!Main.showProgress(noProgress)) {
      return new Progress(null);
    }
    return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(steps).setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new InteractiveConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(250).build());
  }

  /** Names what is being done now (e.g. the variant). */
  void message(String text) {
    if (bar != null) bar.setExtraMessage(text);
  }

  void step() {
    if (bar != null) bar.step();
  }

  /**
   * The graphs of a generation run, each request a step of the bar naming what comes next (the Generator compiles
   * and runs every graph it asks for), so a long run shows where it is without the Generator knowing of the bar.
   */
  org.pimllm.driver.Generator.Graphs counting(org.pimllm.driver.Generator.Graphs graphs, String variant) {
    return new org.pimllm.driver.Generator.Graphs() {
      @Override
      public org.pimllm.ir.IRModule prefill(int seq) {
        message(variant + ": prefill");
        step();
        return graphs.prefill(seq);
      }

      @Override
      public org.pimllm.ir.IRModule decode(int past) {
        message(variant + ": decode at cache " + past);
        step();
        return graphs.decode(past);
      }

      @Override
      public org.pimllm.ir.IRModule full(int seq) {
        message(variant + ": reference run of " + seq + " tokens");
        step();
        return graphs.full(seq);
      }
    };
  }

  @Override
  public void close() {
    if (bar != null) bar.close();
  }
}
