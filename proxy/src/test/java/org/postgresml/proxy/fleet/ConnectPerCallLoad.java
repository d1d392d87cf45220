package org.postgresml.proxy.fleet;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresml.testing.PostgresCluster;
import org.postgresql.util.PSQLException;

/**
 * The product's traffic: sessions on an "RDS" PostgreSQL each calling an unnamed {@code dblink()}
 * in a loop, so every call is a new libpq connection through the balancer, a login and one query.
 * A call fails when dblink raises anything; failures are counted by their first line.
 */
final class ConnectPerCallLoad implements AutoCloseable {

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong calls = new AtomicLong();
  private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
  private final ExecutorService callers;
  private final List<Future<?>> loops = new ArrayList<>();

  /**
   * @param connInfo libpq connection string of the balancer, as a dblink server's options would give it
   */
  ConnectPerCallLoad(PostgresCluster rds, String connInfo, int sessions) throws SQLException {
    callers = Executors.newFixedThreadPool(sessions);
    String call = "SELECT x FROM dblink('" + connInfo.replace("'", "''") + "', 'SELECT 1') AS t(x int)";
    for (int i = 0; i < sessions; i++) {
      Connection session = rds.connect();
      loops.add(callers.submit(() -> {
        try (session; Statement statement = session.createStatement()) {
          while (running.get()) {
            try (ResultSet rows = statement.executeQuery(call)) {
              if (!rows.next() || rows.getInt(1) != 1) {
                failures.computeIfAbsent("wrong result", key -> new AtomicLong()).incrementAndGet();
              }
            } catch (SQLException e) {
              failures.computeIfAbsent(firstLine(e), key -> new AtomicLong()).incrementAndGet();
            }
            calls.incrementAndGet();
          }
        }
        return null;
      }));
    }
  }

  long calls() {
    return calls.get();
  }

  long failed() {
    return failures.values().stream().mapToLong(AtomicLong::get).sum();
  }

  Map<String, Long> failuresByMessage() {
    Map<String, Long> copy = new java.util.TreeMap<>();
    failures.forEach((message, count) -> copy.put(message, count.get()));
    return copy;
  }

  /** Stops after the calls in flight; returns once every session is closed. */
  @Override
  public void close() throws Exception {
    running.set(false);
    for (Future<?> loop : loops) {
      loop.get(60, TimeUnit.SECONDS);
    }
    callers.shutdownNow();
  }

  /** SQLSTATE, first line and detail (dblink puts libpq's words there), without numbers, to count alike together. */
  static String firstLine(SQLException e) {
    String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    if (e instanceof PSQLException server && server.getServerErrorMessage() != null
        && server.getServerErrorMessage().getDetail() != null) {
      message = server.getServerErrorMessage().getMessage() + ": "
          + server.getServerErrorMessage().getDetail().lines().findFirst().orElse("");
    }
    return e.getSQLState() + " " + message.replaceAll("\\d+", "N");
  }
}
