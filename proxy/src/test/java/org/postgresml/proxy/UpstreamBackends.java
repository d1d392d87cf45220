package org.postgresml.proxy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresml.testing.PostgresCluster;

/**
 * What the upstream itself says about the proxy's backends ({@code pg_stat_activity}, read as the
 * superuser): the ground truth a pool's own counters are checked against.
 */
public final class UpstreamBackends {

  private static final String OF_PROXY_USER = " FROM pg_stat_activity WHERE usename = '" + UpstreamDatabase.USER
      + "' AND backend_type = 'client backend'";

  private UpstreamBackends() {
  }

  /** How many backends the proxy's upstream role has open now. */
  public static int count(PostgresCluster cluster) {
    return pids(cluster).size();
  }

  public static List<Integer> pids(PostgresCluster cluster) {
    try (Connection connection = cluster.connect();
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT pid" + OF_PROXY_USER + " ORDER BY pid")) {
      List<Integer> pids = new ArrayList<>();
      while (rows.next()) {
        pids.add(rows.getInt(1));
      }
      return pids;
    } catch (SQLException e) {
      throw new IllegalStateException("could not read pg_stat_activity: " + e.getMessage(), e);
    }
  }

  /** Backends of the proxy's role left inside a transaction (what a dirty connection looks like). */
  public static int idleInTransaction(PostgresCluster cluster) {
    try (Connection connection = cluster.connect();
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT count(*)" + OF_PROXY_USER
             + " AND state LIKE 'idle in transaction%'")) {
      rows.next();
      return rows.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException("could not read pg_stat_activity: " + e.getMessage(), e);
    }
  }

  /**
   * Polls the backend count on its own superuser connection until closed and keeps the highest
   * value seen, so a burst above the pool size between two assertions is still caught.
   */
  public static final class Sampler implements AutoCloseable {
    private final AtomicInteger highest = new AtomicInteger();
    private final AtomicInteger samples = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile SQLException failure;

    public Sampler(PostgresCluster cluster) throws SQLException {
      Connection connection = cluster.connect();
      thread = new Thread(() -> {
        try (connection; Statement statement = connection.createStatement()) {
          while (running) {
            try (ResultSet rows = statement.executeQuery("SELECT count(*)" + OF_PROXY_USER)) {
              rows.next();
              highest.accumulateAndGet(rows.getInt(1), Math::max);
              samples.incrementAndGet();
            }
          }
        } catch (SQLException e) {
          failure = e;
        }
      }, "pg_stat_activity-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    /** The most backends seen at once. */
    public int highest() {
      return highest.get();
    }

    public int samples() {
      return samples.get();
    }

    @Override
    public void close() throws SQLException {
      running = false;
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (failure != null) {
        throw failure;
      }
    }
  }
}
