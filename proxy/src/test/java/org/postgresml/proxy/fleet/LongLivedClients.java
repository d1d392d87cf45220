package org.postgresml.proxy.fleet;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Application clients that keep their pgjdbc connection through the balancer and run transactions
 * back to back: an INSERT that records the transaction, a short pg_sleep, COMMIT. Where an error comes
 * is what matters: at a transaction's first statement nothing of it ran (the proxy closed the idle
 * session: a clean disconnect between transactions, after which the client reconnects); at its
 * second statement or its COMMIT the transaction was broken inside.
 */
final class LongLivedClients implements AutoCloseable {

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong committed = new AtomicLong();
  private final Map<String, AtomicLong> betweenTransactions = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> insideTransactions = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> connectFailures = new ConcurrentHashMap<>();
  private final ExecutorService threads;
  private final List<Future<?>> loops = new ArrayList<>();

  /** @param table a table (client text, n int) the transactions insert into */
  LongLivedClients(String jdbcUrl, Properties login, String table, String tag, int clients) {
    threads = Executors.newFixedThreadPool(clients);
    for (int i = 0; i < clients; i++) {
      String client = tag + "-" + i;
      loops.add(threads.submit(() -> {
        run(jdbcUrl, login, table, client);
        return null;
      }));
    }
  }

  private void run(String jdbcUrl, Properties login, String table, String client) {
    int n = 0;
    Connection connection = null;
    while (running.get()) {
      if (connection == null) {
        try {
          connection = DriverManager.getConnection(jdbcUrl, login);
          connection.setAutoCommit(false);
        } catch (SQLException e) {
          count(connectFailures, e);
          continue;
        }
      }
      int step = 0;
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate("INSERT INTO " + table + " VALUES ('" + client + "', " + n + ")");
        step = 1;
        try (ResultSet ignored = statement.executeQuery("SELECT pg_sleep(0.01)")) {
          step = 2;
        }
        connection.commit();
        committed.incrementAndGet();
        n++;
      } catch (SQLException e) {
        count(step == 0 ? betweenTransactions : insideTransactions, e);
        closeQuietly(connection);
        connection = null;
      }
    }
    closeQuietly(connection);
  }

  long committed() {
    return committed.get();
  }

  Map<String, Long> betweenTransactions() {
    return snapshot(betweenTransactions);
  }

  Map<String, Long> insideTransactions() {
    return snapshot(insideTransactions);
  }

  Map<String, Long> connectFailures() {
    return snapshot(connectFailures);
  }

  @Override
  public void close() throws Exception {
    running.set(false);
    for (Future<?> loop : loops) {
      loop.get(60, TimeUnit.SECONDS);
    }
    threads.shutdownNow();
  }

  private static void count(Map<String, AtomicLong> errors, SQLException e) {
    errors.computeIfAbsent(ConnectPerCallLoad.firstLine(e), key -> new AtomicLong()).incrementAndGet();
  }

  private static Map<String, Long> snapshot(Map<String, AtomicLong> errors) {
    Map<String, Long> copy = new TreeMap<>();
    errors.forEach((message, count) -> copy.put(message, count.get()));
    return copy;
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      // gone already
    }
  }
}
