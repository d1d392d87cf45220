package org.postgresml.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * The admin console's command parser on any query text: a command runs only when a statement is
 * exactly one (case and spacing aside), anything else is an {@link AdminCommandException} naming
 * it, and the answer comes at once. Seeds: AdminConsoleFuzzTestInputs (docs/testing.md).
 */
class AdminConsoleFuzzTest {

  private static final Set<String> LEVERS = Set.of("RELOAD", "PAUSE", "RESUME", "SHUTDOWN");
  private static final Set<String> COMMANDS = Set.of("SHOW POOLS", "SHOW CLIENTS", "SHOW SERVERS", "SHOW STATS",
      "SHOW CONFIG", "SHOW VERSION", "SHOW CACHE", "CACHE CLEAR", "SHOW HELP", "RELOAD", "PAUSE", "RESUME",
      "SHUTDOWN");

  @FuzzTest
  void onlyExactCommandsRunAndEverythingElseIsAnErrorThatSaysSo(FuzzedDataProvider data) {
    String query = data.consumeRemainingAsString();
    List<String> statements = java.util.Arrays.stream(query.split(";"))
        .map(s -> s.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
    // As in PostgreSQL's simple query protocol, the statements before the first failing one have run.
    int known = 0;
    while (known < statements.size() && COMMANDS.contains(statements.get(known))) {
      known++;
    }
    long leversExpected = statements.subList(0, known).stream().filter(LEVERS::contains).count();
    StubAdminContext context = new StubAdminContext();
    List<AdminTable> tables;
    try {
      // The stub answers synchronously: a console that completes later would be a hang here.
      tables = new AdminConsole(context).execute(query).toCompletableFuture().getNow(null);
    } catch (CompletionException e) {
      assertThat(known).as("refused only for an unknown statement").isLessThan(statements.size());
      assertThat(e.getCause()).isInstanceOf(AdminCommandException.class)
          .hasMessage("unknown admin command: " + statements.get(known) + " (try SHOW HELP)");
      assertThat(context.leversPulled()).isEqualTo((int) leversExpected);
      return;
    }
    assertThat(tables).as("answered at once, one table per statement").isNotNull().hasSize(statements.size());
    assertThat(known).isEqualTo(statements.size());
    assertThat(context.leversPulled()).isEqualTo((int) leversExpected);
  }
}
