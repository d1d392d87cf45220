package org.postgresml.proxy.cache;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;
import org.postgresml.proxy.cache.CacheCalls.Kind;

/**
 * A pgjdbc client of {@link CacheIsolationIT} (simple protocol, its settings in the startup packet,
 * as a dblink-like caller would use the cache): one statement at a time, transactions by
 * {@code setAutoCommit(false)}.
 */
final class JdbcCacheClient implements Runnable {

  private static final Map<String, String> SIMPLE = Map.of("preferQueryMode", "simple",
      "assumeMinServerVersion", "9.0");

  private final CachedProxy proxy;
  private final String name;
  private final String user;
  private final Random random;
  private final int sessions;
  private final AnswerLedger ledger;
  private boolean switchedOn;
  private boolean usesCache;

  JdbcCacheClient(CachedProxy proxy, String name, String user, long seed, int sessions, AnswerLedger ledger) {
    this.proxy = proxy;
    this.name = name;
    this.user = user;
    this.random = new Random(seed);
    this.sessions = sessions;
    this.ledger = ledger;
  }

  @Override
  public void run() {
    for (int session = 0; session < sessions; session++) {
      switchedOn = true;
      usesCache = true;
      try (Connection connection = proxy.jdbc(user, SIMPLE); Statement statement = connection.createStatement()) {
        int steps = 2 + random.nextInt(8);
        for (int s = 0; s < steps; s++) {
          step(CacheCalls.kind(random), connection, statement);
        }
      } catch (Exception | AssertionError e) {
        ledger.fail(name, "session " + session + ": " + e);
      }
    }
  }

  private void step(Kind kind, Connection connection, Statement statement) throws SQLException {
    String model = CacheCalls.model(random);
    String text = CacheCalls.text(random);
    switch (kind) {
      case EMBED -> {
        try (ResultSet rows = statement.executeQuery(CacheCalls.embed(model, text))) {
          rows.next();
          Array array = rows.getArray(1);
          Float[] boxed = (Float[]) array.getArray();
          float[] vector = new float[boxed.length];
          for (int i = 0; i < boxed.length; i++) {
            vector[i] = boxed[i];
          }
          ledger.embed(name, model, text, vector);
        }
      }
      case EMBED_ERROR -> {
        String failing = CacheCalls.errorModel(random);
        try {
          statement.executeQuery(CacheCalls.embed(failing, text)).close();
          ledger.fail(name, "embed(" + failing + ") did not fail");
        } catch (SQLException e) {
          ledger.embedError(name, failing, e.getSQLState(), serverMessage(e));
        }
      }
      case TICKET -> ticket(statement, model, text, false);
      case TICKET_ERROR -> ticket(statement, CacheCalls.errorModel(random), text, false);
      case TRANSACTION -> {
        connection.setAutoCommit(false);
        usesCache = false;
        ticket(statement, model, text, true);
        connection.commit();
        connection.setAutoCommit(true);
      }
      case SHOW -> {
        try (ResultSet rows = statement.executeQuery("SHOW pgml_proxy.cache")) {
          rows.next();
          String shown = rows.getString(CacheSwitch.NAME);
          if (!shown.equals(switchedOn ? "on" : "off")) {
            ledger.fail(name, "SHOW pgml_proxy.cache = " + shown + ", the session set " + switchedOn);
          }
        }
      }
      case SWITCH -> {
        switchedOn = random.nextBoolean();
        statement.execute("SET pgml_proxy.cache = " + (switchedOn ? "on" : "off"));
      }
      case PLAIN -> {
        usesCache = false;
        try (ResultSet rows = statement.executeQuery(CacheCalls.PLAIN_SQL)) {
          rows.next();
          if (!"plain 7".equals(rows.getString(1))) {
            ledger.fail(name, CacheCalls.PLAIN_SQL + " = " + rows.getString(1));
          }
        }
      }
    }
  }

  private void ticket(Statement statement, String model, String text, boolean inTransaction) {
    boolean fresh = inTransaction || !switchedOn || !usesCache;
    boolean error = model.startsWith("error/");
    try (ResultSet rows = statement.executeQuery(CacheCalls.ticket(model, text))) {
      rows.next();
      ledger.ticket(name, user, model, text, rows.getString(1), false, fresh);
      if (error) {
        ledger.fail(name, "ticket(" + model + ") did not fail");
      }
    } catch (SQLException e) {
      if (error && "P0002".equals(e.getSQLState())) {
        ledger.ticket(name, user, model, text, serverMessage(e), true, fresh);
      } else {
        ledger.fail(name, "ticket(" + model + ", " + text + "): " + e);
      }
    }
  }

  private static String serverMessage(SQLException e) {
    return e instanceof org.postgresql.util.PSQLException psql && psql.getServerErrorMessage() != null
        ? psql.getServerErrorMessage().getMessage() : e.getMessage();
  }
}
