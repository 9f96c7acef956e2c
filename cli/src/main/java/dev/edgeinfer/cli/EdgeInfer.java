package dev.edgeinfer.cli;

import java.io.PrintWriter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code edgeinfer} command: real-time inference, inspection and benchmarks of ONNX models. */
@Command(
    name = "edgeinfer",
    mixinStandardHelpOptions = true,
    versionProvider = EdgeInfer.Version.class,
    description = "Real-time AI inference at the edge.",
    subcommands = {
      RunCommand.class,
      InspectCommand.class,
      BenchCommand.class,
      ServeCommand.class,
      ConvertCommand.class,
      CommandLine.HelpCommand.class
    })
public final class EdgeInfer {

  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Show stack traces and debug logging.")
  boolean verbose;

  public static void main(String[] args) {
    System.exit(
        execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs the command line and returns the exit code: 0 success, 2 usage error, 1 runtime failure.
   */
  static int execute(String[] args, PrintWriter out, PrintWriter err) {
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    configureLogging(verbose);
    CommandLine cli = new CommandLine(new EdgeInfer());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(
        (ex, argv) -> {
          err.println(
              "error: "
                  + ex.getMessage()
                  + " (see: edgeinfer "
                  + commandName(ex.getCommandLine())
                  + " --help)");
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> Failures.report(ex, verbose, err));
    return cli.execute(args);
  }

  private static String commandName(CommandLine commandLine) {
    String name = commandLine.getCommandName();
    return name.equals("edgeinfer") ? "" : name;
  }

  private static void configureLogging(boolean verbose) {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    ConsoleHandler handler = new ConsoleHandler();
    handler.setFormatter(
        new Formatter() {
          @Override
          public String format(LogRecord record) {
            return record.getLevel().getName().toLowerCase(java.util.Locale.ROOT)
                + ": "
                + formatMessage(record)
                + System.lineSeparator();
          }
        });
    Level level = verbose ? Level.FINE : Level.WARNING;
    handler.setLevel(level);
    root.setLevel(level);
    root.addHandler(handler);
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = EdgeInfer.class.getPackage().getImplementationVersion();
      return new String[] {"edgeinfer " + (version == null ? "development build" : version)};
    }
  }
}
