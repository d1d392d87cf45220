package org.postgresml.operator;

import org.postgresml.operator.cli.RenderCommand;
import org.postgresml.operator.cli.RunCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar pgml-proxy-operator.jar [run|render]}: without a subcommand the operator runs. */
@Command(name = "pgml-proxy-operator", mixinStandardHelpOptions = true,
    versionProvider = OperatorMain.Version.class,
    subcommands = {RunCommand.class, RenderCommand.class},
    description = "Kubernetes operator for fleets of pgml-proxy (PgmlProxy, postgresml.org/v1alpha1).")
public final class OperatorMain implements Runnable {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args.length == 0 ? new String[] {"run"} : args));
  }

  /** The command line with its subcommands, for main and for tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new OperatorMain());
  }

  @Override
  public void run() {
    // Options only (--help, --version) reach here; a bare invocation is mapped to "run" in main.
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = OperatorMain.class.getPackage().getImplementationVersion();
      return new String[] {"pgml-proxy-operator " + (version != null ? version : "(development)")};
    }
  }
}
