package org.postgresml.proxy.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.postgresml.proxy.async.Failures;

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
   * Runs one query string, for a caller that sends no reply of its own: what a command leaves for
   * after its reply (SHUTDOWN) runs as soon as the answer is ready. Completes with the tables, or
   * exceptionally with the error that stopped the statements ({@link AdminCommandException} for an
   * unknown one).
   */
  public CompletionStage<List<AdminTable>> execute(String query) {
    return reply(query).thenCompose(reply -> {
      reply.afterSent().forEach(Runnable::run);
      return reply.failure().<CompletionStage<List<AdminTable>>>map(CompletableFuture::failedFuture)
          .orElseGet(() -> CompletableFuture.completedFuture(reply.tables()));
    });
  }

  /**
   * Runs one query string's statements in order (psql sends {@code SHOW POOLS; SHOW STATS} in one
   * query) until one is unknown or fails. Never completes exceptionally: the failure is in the reply.
   */
  public CompletionStage<AdminReply> reply(String query) {
    List<String> statements = new ArrayList<>();
    for (String statement : query.split(";")) {
      String normalized = statement.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
      if (!normalized.isEmpty()) {
        statements.add(normalized);
      }
    }
    return runFrom(statements, 0, new ArrayList<>(), new ArrayList<>());
  }

  private CompletionStage<AdminReply> runFrom(List<String> statements, int next, List<AdminTable> tables,
      List<Runnable> afterSent) {
    if (next == statements.size()) {
      return CompletableFuture.completedFuture(new AdminReply(tables, Optional.empty(), afterSent));
    }
    Optional<AdminCommand> command = find(statements.get(next));
    if (command.isEmpty()) {
      return CompletableFuture.completedFuture(new AdminReply(tables, Optional.of(new AdminCommandException(
          "unknown admin command: " + statements.get(next) + " (try SHOW HELP)")), afterSent));
    }
    CompletionStage<AdminTable> ran;
    try {
      ran = command.get().run(context);
    } catch (RuntimeException e) {
      ran = CompletableFuture.failedFuture(e);
    }
    return ran.handle((table, failure) -> {
      if (failure != null) {
        return CompletableFuture.completedFuture(new AdminReply(tables, Optional.of(Failures.cause(failure)),
            afterSent));
      }
      tables.add(table);
      command.get().afterSent(context).ifPresent(afterSent::add);
      return runFrom(statements, next + 1, tables, afterSent);
    }).thenCompose(reply -> reply);
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
