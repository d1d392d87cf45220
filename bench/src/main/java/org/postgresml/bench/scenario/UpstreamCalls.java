package org.postgresml.bench.scenario;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.OptionalLong;
import org.postgresml.testing.PgmlStandIn;
import org.postgresml.testing.PostgresCluster;

/**
 * Counts the calls of {@code pgml.embed} that reach the upstream, with the stand-in's own counter
 * ({@link PgmlStandIn#CALLS_SQL}: a sequence, not transactional, so a count read right after a batch
 * has every call of it). What the cache did not answer, the upstream computed.
 */
final class UpstreamCalls implements AutoCloseable {

  private final Connection connection;

  private UpstreamCalls(Connection connection) {
    this.connection = connection;
  }

  /** A counter on the upstream's database, or empty when it cannot be read (then no measured hit ratio). */
  static Optional<UpstreamCalls> open(PostgresCluster postgres, String database) {
    try {
      UpstreamCalls calls = new UpstreamCalls(
          postgres.connect(database, PostgresCluster.SUPERUSER, postgres.superuserPassword()));
      if (calls.count().isEmpty()) {
        calls.close();
        return Optional.empty();
      }
      return Optional.of(calls);
    } catch (SQLException e) {
      return Optional.empty();
    }
  }

  /** Calls counted so far. */
  OptionalLong count() {
    try (Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(PgmlStandIn.CALLS_SQL)) {
      rows.next();
      return OptionalLong.of(rows.getLong(1));
    } catch (SQLException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // the count's connection at the end of the scenario: nothing left to do
    }
  }
}
