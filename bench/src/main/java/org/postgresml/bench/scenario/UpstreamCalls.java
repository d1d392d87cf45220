package org.postgresml.bench.scenario;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import org.postgresml.testing.PostgresCluster;

/**
 * Counts the calls of {@code pgml.embed} that reach the upstream: with the stand-in's own counter
 * ({@code pgml.embed_calls}) where it has one; otherwise the stand-in is wrapped in a
 * function that takes a number from a sequence first (not transactional, so a count read right after
 * a batch has every call of it). What the cache did not answer, the upstream computed. The wrapper
 * keeps the stand-in's IMMUTABLE STRICT (a cache may look at it); with literal arguments PostgreSQL
 * evaluates it once, at planning (PgBouncer's measured hit ratio of exactly 0 shows one count per call).
 */
final class UpstreamCalls implements AutoCloseable {

  private static final String INSTALL = """
      CREATE SCHEMA IF NOT EXISTS pgml_bench;
      CREATE SEQUENCE IF NOT EXISTS pgml_bench.embed_calls;
      GRANT USAGE ON SCHEMA pgml_bench TO PUBLIC;
      GRANT USAGE, SELECT ON SEQUENCE pgml_bench.embed_calls TO PUBLIC;
      DO $$ BEGIN
        IF to_regprocedure('pgml_bench.embed_uncounted(text,text)') IS NULL THEN
          ALTER FUNCTION pgml.embed(text, text) RENAME TO embed_uncounted;
          ALTER FUNCTION pgml.embed_uncounted(text, text) SET SCHEMA pgml_bench;
        END IF;
      END $$;
      CREATE OR REPLACE FUNCTION pgml.embed(transformer text, "text" text) RETURNS real[]
      LANGUAGE plpgsql IMMUTABLE STRICT AS $$
      BEGIN
        PERFORM nextval('pgml_bench.embed_calls');
        RETURN pgml_bench.embed_uncounted(transformer, "text");
      END $$;
      """;

  /** The stand-in's own counter (testing/PgmlStandIn counts its calls), used when it has one. */
  private static final String STAND_IN_SEQUENCE = "pgml.embed_calls";
  private static final String OWN_SEQUENCE = "pgml_bench.embed_calls";

  private final Connection connection;
  private final String sequence;

  private UpstreamCalls(Connection connection, String sequence) {
    this.connection = connection;
    this.sequence = sequence;
  }

  /** Wraps the stand-in's {@code pgml.embed(text, text)}; empty when the upstream has no such function. */
  static java.util.Optional<UpstreamCalls> install(PostgresCluster postgres, String database) {
    try {
      Connection connection = postgres.connect(database, PostgresCluster.SUPERUSER, postgres.superuserPassword());
      try (Statement statement = connection.createStatement()) {
        try (ResultSet rows = statement.executeQuery("SELECT to_regprocedure('pgml.embed(text,text)') IS NOT NULL")) {
          rows.next();
          if (!rows.getBoolean(1)) {
            connection.close();
            return java.util.Optional.empty();
          }
        }
        try (ResultSet rows = statement.executeQuery("SELECT to_regclass('" + STAND_IN_SEQUENCE + "') IS NOT NULL")) {
          rows.next();
          if (rows.getBoolean(1)) {
            return java.util.Optional.of(new UpstreamCalls(connection, STAND_IN_SEQUENCE));
          }
        }
        statement.execute(INSTALL);
      }
      return java.util.Optional.of(new UpstreamCalls(connection, OWN_SEQUENCE));
    } catch (SQLException e) {
      return java.util.Optional.empty();
    }
  }

  /** Calls counted so far. */
  OptionalLong count() {
    try (Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(
             "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM " + sequence)) {
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
