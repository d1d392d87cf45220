package org.postgresml.proxy;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import org.postgresml.proxy.config.CliOptions;
import org.postgresml.proxy.config.ConfigException;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.config.SettingsResolver;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Turns arguments and environment into settings, or into an exit status: 0 after --help or
 * --version, 2 with one line on stderr for anything invalid (never a stack trace, never a password).
 */
public final class CommandLineParser {

  public static final int EXIT_USAGE = 2;

  /** Settings to run with, or the status to exit with. */
  public record Outcome(Optional<ProxySettings> settings, int exitCode) {}

  private CommandLineParser() {}

  public static Outcome parse(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    CliOptions options = new CliOptions();
    CommandLine commandLine = new CommandLine(options);
    try {
      commandLine.parseArgs(args);
    } catch (ParameterException e) {
      err.println("pgml-proxy: " + firstLine(e.getMessage()) + " (see --help)");
      err.flush();
      return new Outcome(Optional.empty(), EXIT_USAGE);
    }
    if (commandLine.isUsageHelpRequested()) {
      commandLine.usage(out);
      out.flush();
      return new Outcome(Optional.empty(), 0);
    }
    if (commandLine.isVersionHelpRequested()) {
      commandLine.printVersionHelp(out);
      out.flush();
      return new Outcome(Optional.empty(), 0);
    }
    try {
      return new Outcome(Optional.of(new SettingsResolver(options, env).resolve()), 0);
    } catch (ConfigException e) {
      err.println("pgml-proxy: " + firstLine(e.getMessage()));
      err.flush();
      return new Outcome(Optional.empty(), EXIT_USAGE);
    }
  }

  private static String firstLine(String message) {
    return message == null ? "invalid arguments" : message.lines().findFirst().orElse("invalid arguments");
  }
}
