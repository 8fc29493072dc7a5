package org.pimllm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.pimllm.sim.HardwareConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pimllm hw list} and {@code pimllm hw show NAME}: the hardware presets and every value's source. */
@Command(name = "hw", description = "List hardware presets or show one with the source of every value.",
    mixinStandardHelpOptions = true, subcommands = {HwCommand.ListPresets.class, HwCommand.Show.class})
public final class HwCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** The CLI's JSON writer (indented), shared by every command's --json. */
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Command(name = "list", description = "List the built-in hardware presets.", mixinStandardHelpOptions = true)
  static final class ListPresets implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (String name : HardwareConfig.presetNames()) {
        HardwareConfig c = HardwareConfig.preset(name);
        out.printf("%-16s %5d DPUs, %2d ranks, %3.0f MHz  %s%n", name, c.totalDpus(), c.nrRanks(), c.clockHz() / 1e6,
            c.description());
      }
      return 0;
    }
  }

  /** The preset's JSON as the loader reads it: a built-in preset's resource, or the file given. */
  static String presetText(String nameOrPath) throws java.io.IOException {
    if (nameOrPath.endsWith(".json")) {
      return java.nio.file.Files.readString(java.nio.file.Path.of(nameOrPath));
    }
    try (java.io.InputStream in = HardwareConfig.class.getResourceAsStream("/hw/" + nameOrPath + ".json")) {
      if (in == null) {
        throw new IllegalStateException("preset resource /hw/" + nameOrPath + ".json is missing from the jar");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Command(name = "show", description = "Show every value of a preset with its unit and source.",
      mixinStandardHelpOptions = true)
  static final class Show implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "Preset name (see 'pimllm hw list') or a preset JSON file.")
    String name;

    @Option(names = "--json", description = "Print the preset as a JSON preset file, with every value's unit and"
        + " source: save it, edit it and load it back with --hw FILE.json.")
    boolean json;

    @Override
    public Integer call() throws java.io.IOException {
      HardwareConfig c = HardwareConfig.presetOrFile(name);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.print(presetText(name));
        out.flush();
        return 0;
      }
      out.println(c.name() + ": " + c.description());
      int width = c.parameters().stream().mapToInt(p -> p.key().length()).max().orElse(10);
      for (HardwareConfig.Parameter p : c.parameters()) {
        out.printf("  %-" + width + "s  %s %s%n", p.key(), p.value(), p.unit());
        out.printf("  %-" + width + "s    source: %s%n", "", p.source());
      }
      return 0;
    }
  }
}
