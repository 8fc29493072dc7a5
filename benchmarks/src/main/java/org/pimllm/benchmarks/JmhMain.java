package org.pimllm.benchmarks;

/**
 * Runs the JMH benchmarks of this module: the arguments are JMH's (e.g. {@code SimulatorBench -f 1 -wi 3 -i 5}).
 * From a built CLI jar: {@code java -cp pimllm-cli/target/pimllm.jar org.pimllm.benchmarks.JmhMain SimulatorBench}.
 */
public final class JmhMain {
  private JmhMain() {}

  public static void main(String[] args) throws Exception {
    org.openjdk.jmh.Main.main(args);
  }
}
