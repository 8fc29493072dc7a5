package org.pimllm.cli;

import org.pimllm.driver.CompileOptions;
import picocli.CommandLine.Option;

/** {@code --weights}, the same option in compile, bench and generate (a picocli mixin). */
final class WeightsOption {

  @Option(names = "--weights", defaultValue = "int8", paramLabel = "int8|int4|int4-g64|int4-g32", description = "Weight"
      + " precision of the static int8 quantization: int8, or int4 weights of the dense layers with an integer"
      + " multiplier per group of 128 K elements (int4-g64, int4-g32: smaller groups); activations stay int8"
      + " (default ${DEFAULT-VALUE}).")
  String name;

  /** The compile precision it stands for (an error naming the accepted values for anything else). */
  CompileOptions.Precision precision() {
    return CompileOptions.Precision.ofWeights(name);
  }
}
