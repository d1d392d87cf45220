package org.postgresml.bench.scenario;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresml.bench.report.Percentiles;
import org.postgresml.bench.report.RunSummary;
import org.postgresml.bench.target.Target;
import org.postgresml.testing.PgmlStandIn;
import org.postgresml.testing.PostgresCluster;

/**
 * The blog's {@code dblink(server, 'SELECT pgml.embed(model, text)')} call made by one or more
 * concurrent callers, each a session on the caller's PostgreSQL (the "RDS" side), through a
 * {@code postgres_fdw} server per target. Every answer is checked against the stand-in's vector.
 */
final class DblinkCalls implements AutoCloseable {

  static final String MODEL = "intfloat/e5-small-v2";

  /** The extra a round files: the median of its dblink logins (see {@link #logins}). */
  static final String LOGIN_P50 = RunSummary.DBLINK_LOGIN;

  /** Logins per caller per round: enough for a stable median, few beside the calls. */
  static final int LOGINS_PER_CALLER = 30;

  /** Each call's time by its index in the batch's list of texts, and the batch's wall time. */
  record Batch(double[] millis, double wallSeconds, Optional<String> error) {
    List<Double> all() {
      return Arrays.stream(millis).boxed().toList();
    }
  }

  private final List<Connection> callers = new ArrayList<>();
  private final ExecutorService threads;

  DblinkCalls(PostgresCluster rds, int callerCount) throws SQLException {
    try {
      for (int i = 0; i < callerCount; i++) {
        Connection caller = rds.connect();
        callers.add(caller);
        try (Statement statement = caller.createStatement()) {
          statement.execute("SET statement_timeout = '60s'"); // a hung call fails instead of stalling the run
        }
      }
    } catch (SQLException e) {
      close();
      throw e;
    }
    threads = Executors.newFixedThreadPool(callerCount);
  }

  int callers() {
    return callers.size();
  }

  /** (Re)defines the target's foreign server and user mapping on the caller's side. */
  void define(Target target) throws SQLException {
    String server = serverName(target);
    try (Statement statement = callers.get(0).createStatement()) {
      statement.execute("DROP SERVER IF EXISTS " + server + " CASCADE");
      statement.execute("CREATE SERVER " + server + " FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '"
          + target.endpoint().host() + "', port '" + target.endpoint().port() + "', dbname '"
          + target.endpoint().database() + "', sslmode 'disable')");
      statement.execute("CREATE USER MAPPING FOR CURRENT_USER SERVER " + server + " OPTIONS (user '"
          + target.endpoint().user() + "', password '" + target.endpoint().password() + "')");
    }
  }

  /** Calls for every text in order, the callers taking the next text as each finishes its call. */
  Batch batch(Target target, List<String> texts) {
    return run(texts, (caller, text) -> call(caller, target, text));
  }

  /**
   * The local login as a dblink call pays it, {@code count} times: a named connection opened to the
   * target through its foreign server and closed again, with no statement sent, timed from the
   * caller's side like {@link #batch} (one statement on the caller's PostgreSQL per login).
   */
  Batch logins(Target target, int count) {
    return run(Collections.nCopies(count, ""), (caller, unused) -> login(caller, target));
  }

  /**
   * The batch's sequence again with a dblink login in place of each empty entry and a call for each
   * text, every entry timed: the logins of {@link CachedEmbed}'s reference, under the conditions of
   * the calls whose places they take (after a call that waited a round trip, or back to back).
   */
  Batch callsAndLogins(Target target, List<Optional<String>> sequence) {
    return run(sequence, (caller, entry) -> {
      if (entry.isPresent()) {
        call(caller, target, entry.get());
      } else {
        login(caller, target);
      }
    });
  }

  /** The round's dblink logins, filed as {@link #LOGIN_P50} beside its calls' figures. */
  Optional<String> addLogins(Target target, Map<String, Double> extras) {
    Batch logins = logins(target, LOGINS_PER_CALLER * callers.size());
    if (logins.error().isPresent()) {
      return logins.error();
    }
    extras.put(LOGIN_P50, Percentiles.of(logins.all()).p50());
    return Optional.empty();
  }

  private interface Call<T> {
    void on(Connection caller, T item) throws SQLException;
  }

  private <T> Batch run(List<T> texts, Call<T> call) {
    double[] millis = new double[texts.size()];
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (Connection caller : callers) {
      running.add(threads.submit(() -> {
        for (int i = next.getAndIncrement(); i < texts.size(); i = next.getAndIncrement()) {
          long t0 = System.nanoTime();
          call.on(caller, texts.get(i));
          millis[i] = (System.nanoTime() - t0) / 1e6;
        }
        return null;
      }));
    }
    Optional<String> error = Optional.empty();
    for (Future<?> future : running) {
      try {
        future.get(10, TimeUnit.MINUTES);
      } catch (java.util.concurrent.ExecutionException e) {
        next.set(texts.size()); // the other callers stop after their current call
        error = error.or(() -> Optional.of(String.valueOf(e.getCause().getMessage())));
      } catch (java.util.concurrent.TimeoutException e) {
        next.set(texts.size());
        error = error.or(() -> Optional.of("a dblink batch did not finish within 10 minutes"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    return new Batch(millis, (System.nanoTime() - start) / 1e9, error);
  }

  static void call(Connection caller, Target target, String text) throws SQLException {
    String sql = "SELECT * FROM dblink('" + serverName(target) + "', 'SELECT pgml.embed(''" + MODEL + "'', ''"
        + text.replace("'", "''''") + "'')') AS t(embedding real[])";
    try (Statement statement = caller.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      if (!rows.next()) {
        throw new SQLException("dblink returned no row through " + target.name());
      }
      Array array = rows.getArray(1);
      Float[] vector = (Float[]) array.getArray();
      float[] expected = PgmlStandIn.expectedEmbedding(MODEL, text);
      float[] got = new float[vector.length];
      for (int i = 0; i < vector.length; i++) {
        got[i] = vector[i];
      }
      if (!Arrays.equals(expected, got)) {
        throw new SQLException("wrong embedding through " + target.name() + " for '" + text + "': "
            + Arrays.toString(got));
      }
    }
  }

  static void login(Connection caller, Target target) throws SQLException {
    // The target list is evaluated in order: connect, then disconnect, in one statement.
    String sql = "SELECT dblink_connect('bench_login', '" + serverName(target) + "'),"
        + " dblink_disconnect('bench_login')";
    try (Statement statement = caller.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      if (!rows.next() || !"OK".equals(rows.getString(1)) || !"OK".equals(rows.getString(2))) {
        throw new SQLException("dblink_connect/dblink_disconnect did not answer OK through " + target.name());
      }
    }
  }

  static String serverName(Target target) {
    return "postgresml_" + target.name().replaceAll("[^A-Za-z0-9]", "_");
  }

  @Override
  public void close() {
    if (threads != null) {
      threads.shutdownNow();
    }
    for (Connection caller : callers) {
      try {
        caller.close();
      } catch (SQLException e) {
        // closing a caller's session at the end: nothing left to do with the error
      }
    }
  }
}
