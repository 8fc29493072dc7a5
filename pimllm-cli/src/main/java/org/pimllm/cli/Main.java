package org.pimllm.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code pimllm} command. Each subcommand is its own class, registered in {@link #SUBCOMMANDS}.
 *
 * <p>Errors a user can cause (bad arguments, files, presets, shapes) surface as one line on stderr and
 * exit code 2; anything else is an internal error, reported in one line with a hint to rerun with
 * {@code --debug} for the stack trace.
 */
@Command(
    name = "pimllm",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Compile and run LLMs on a simulated UPMEM-like processing-in-memory machine.",
    footer = {"",
        "Shared options: one name, one meaning, one default wherever they appear",
        "(every command and option: docs/cli.md).",
        "  option        gemm tune compile run        bench      generate",
        "  --dpus        2048 2048 2048    2048       2048 list  2048",
        "  --variant(s)  -    -    pimllm  pimllm     all 8      cpu,cpu-peak,pimllm",
        "  --precision   int8 int8 int8    int8 (1)   int8 fixed int8 fixed",
        "  --quant       -    -    static  static     static     static fixed",
        "  --act-abs-max -    -    8.0     inputs (2) 8.0 fixed  8.0 fixed",
        "  --seq         -    -    128     input (3)  128 list   128 (--prompt-len)",
        "  --weights     -    -    int8    -          int8       int8   (or int4; gemm/tune: --precision int4)",
        "  --hw          upmem-2560-450 everywhere (microbench: PrIM's upmem-2556-350)",
        "  (1) an ONNX model stored as int8 (minilm-l6-q) runs its own int8 GEMMs",
        "      as built, and says so on stderr",
        "  (2) run has real inputs: without --act-abs-max, static ranges are",
        "      calibrated on them",
        "  (3) run's sequence length is its input's (--text, --tokens)",
        "Variants, one pass list each in every command: cpu, cpu-peak, naive, base,",
        "ts, ts+adj, ts+adj+qkv, pimllm. --json, --debug and --no-progress (progress",
        "bars are off anyway when not on a terminal) mean the same everywhere."},
    subcommandsRepeatable = false)
public final class Main implements Callable<Integer> {

  /** Subcommands, in the order {@code pimllm --help} lists them. */
  static final List<Object> SUBCOMMANDS = List.of(
      HwCommand.class,
      MicrobenchCommand.class,
      GemmCommand.class, // a class, so each run gets fresh option fields
      TuneCommand.class,
      ModelsCommand.class,
      CompileCommand.class,
      BenchCommand.class,
      RunCommand.class,
      GenerateCommand.class,
      CommandLine.HelpCommand.class);

  @Option(names = "--debug", description = "Print stack traces of errors and log at DEBUG level.", scope = CommandLine.ScopeType.INHERIT)
  void setDebug(boolean debug) {
    Main.debug = debug;
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(debug ? Level.DEBUG : Level.WARN);
  }

  static volatile boolean debug;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams and returns the exit code; used by tests too. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine();
    cl.setOut(out);
    cl.setErr(err);
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      // a last resort: commands check what they can up front (e.g. gemm --functional); name the way out
      err.println("error: the Java heap is full (" + e.getMessage() + ", at most "
          + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB); use a smaller problem or raise the heap, e.g."
          + " PIMLLM_JAVA_OPTS=-Xmx16g ./pimllm ...");
      if (debug) {
        e.printStackTrace(err);
      }
      err.flush();
      return 1;
    } catch (StackOverflowError e) {
      // Errors pass picocli's handlers; still one line at the user (a bug of ours: parsers check depth first)
      err.println("internal error: stack overflow (input nested too deeply)");
      if (debug) {
        e.printStackTrace(err);
      } else {
        err.println("(rerun with --debug for the stack trace)");
      }
      err.flush();
      return 1;
    }
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    for (Object sub : SUBCOMMANDS) {
      cl.addSubcommand(sub);
    }
    cl.setParameterExceptionHandler(Main::onBadArguments);
    cl.setExecutionExceptionHandler(Main::onError);
    return cl;
  }

  private static int onBadArguments(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    // picocli words some messages "Error: ..."; one "error: " prefix is enough
    cl.getErr().println("error: " + String.valueOf(ex.getMessage()).replaceFirst("^Error: ", ""));
    cl.getErr().println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
    return 2;
  }

  private static int onError(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
    PrintWriter err = cl.getErr();
    boolean userError = isUserError(ex);
    String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    err.println((userError ? "error: " : "internal error: ") + message);
    if (debug) {
      ex.printStackTrace(err);
    } else if (!userError) {
      err.println("(rerun with --debug for the stack trace)");
    }
    return userError ? 2 : 1;
  }

  /** Exceptions that describe a mistake in the user's input rather than a bug of ours. */
  static boolean isUserError(Throwable ex) {
    return ex instanceof IllegalArgumentException
        || ex instanceof java.io.IOException
        || ex instanceof java.io.UncheckedIOException
        || ex instanceof UnsupportedOperationException;
  }

  /**
   * Whether to draw a progress bar: not with --no-progress, and not when the console is not a terminal (a pipe or
   * file would receive its control codes). The bar goes to stderr, which the JVM cannot test itself: the launcher
   * passes -Dpimllm.stderrTerminal=false when stderr is redirected.
   */
  static boolean showProgress(boolean noProgress) {
    java.io.Console console = System.console();
    return !noProgress && console != null && console.isTerminal()
        && !"false".equals(System.getProperty("pimllm.stderrTerminal"));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"pimllm " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (Java " + Runtime.version() + ")"};
    }
  }
}
