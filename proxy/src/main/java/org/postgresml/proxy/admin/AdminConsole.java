package org.postgresml.proxy.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The admin console behind the virtual database {@code pgml_proxy}: parses a simple-query string
 * and runs the command it names. Commands and columns follow PgBouncer's console, so dashboards and
 * habits carry over ({@code psql -p 6432 pgml_proxy -c 'SHOW POOLS'}).
 */
public final class AdminConsole {

  /** The database name clients use to reach the console. */
  public static final String DATABASE = "pgml_proxy";

  private final List<AdminCommand> commands = List.of(new ShowPools(), new ShowClients(), new ShowServers(),
      new ShowStats(), new ShowConfig(), new ShowVersion(), new ShowCache(), new CacheClear(), new Reload(), new Pause(),
      new Resume(), new Shutdown());
  private final AdminContext context;

  public AdminConsole(AdminContext context) {
    this.context = context;
  }

  /**
   * Runs one query string. Completes with the tables to send (one per statement, as psql sends
   * {@code SHOW POOLS; SHOW STATS} in one query), or exceptionally with {@link AdminCommandException}.
   */
  public CompletionStage<List<AdminTable>> execute(String query) {
    List<String> statements = new ArrayList<>();
    for (String statement : query.split(";")) {
      String normalized = statement.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
      if (!normalized.isEmpty()) {
        statements.add(normalized);
      }
    }
    CompletionStage<List<AdminTable>> result = CompletableFuture.completedFuture(new ArrayList<>());
    for (String statement : statements) {
      Optional<AdminCommand> command = find(statement);
      if (command.isEmpty()) {
        return CompletableFuture.failedFuture(new AdminCommandException("unknown admin command: " + statement
            + " (try SHOW HELP)"));
      }
      result = result.thenCompose(tables -> command.get().run(context).thenApply(table -> {
        tables.add(table);
        return tables;
      }));
    }
    return result;
  }

  private Optional<AdminCommand> find(String statement) {
    if (statement.equals("SHOW HELP")) {
      return Optional.of(help());
    }
    return commands.stream().filter(command -> command.syntax().equals(statement)).findFirst();
  }

  private AdminCommand help() {
    return new AdminCommand() {
      @Override
      public String syntax() {
        return "SHOW HELP";
      }

      @Override
      public String description() {
        return "this list";
      }

      @Override
      public CompletionStage<AdminTable> run(AdminContext ignored) {
        List<List<String>> rows = commands.stream().map(c -> List.of(c.syntax(), c.description())).toList();
        return CompletableFuture.completedFuture(AdminTable.show(List.of("command", "description"), rows));
      }
    };
  }
}
