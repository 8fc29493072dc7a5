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
    footer = {"", "Shared options mean the same in every command: --hw (preset name or JSON file, default upmem-2560-450),"
        + " --dpus (DPU budget, default 2048), --variant/--variants (naive, base, ts, ts+adj, ts+adj+qkv, pimllm, cpu,"
        + " cpu-peak: one pass list each), --precision int8|fp32, --quant static|dynamic, --act-abs-max, --seq,"
        + " --no-progress. Every command, option and default: docs/cli.md."},
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
   * file would receive its control codes).
   */
  static boolean showProgress(boolean noProgress) {
    java.io.Console console = System.console();
    return !noProgress && console != null && console.isTerminal();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"pimllm " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (Java " + Runtime.version() + ")"};
    }
  }
}
