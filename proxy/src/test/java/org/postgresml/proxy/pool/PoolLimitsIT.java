package org.postgresml.proxy.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * Pools come and go with the databases clients name: a database the upstream lacks leaves no pool
 * and no meters behind, an unused pool is removed after pool.poolIdleTimeout, and past pool.maxPools
 * a login is refused with 53300 while the others keep working.
 */
@ExtendWith(NettyLeakCheck.class)
class PoolLimitsIT {

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create().prepare(database -> {
    for (String name : List.of("app_one", "app_two", "app_three")) {
      database.cluster().execute("postgres", "CREATE DATABASE " + name + " OWNER " + UpstreamDatabase.USER);
    }
  });

  private static RunningProxy proxy(String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("--database-url", upstream.url("disable"),
        "--client-auth", "trust"));
    args.addAll(List.of(more));
    return RunningProxy.start(args);
  }

  private static Connection connect(RunningProxy proxy, String database) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", UpstreamDatabase.USER);
    properties.setProperty("connectTimeout", "30");
    return DriverManager.getConnection(proxy.jdbcUrl(database, "disable"), properties);
  }

  private static List<String> metricLines(RunningProxy proxy) {
    return proxy.server().metrics().scrape().lines().toList();
  }

  @Test
  void loginsToMissingDatabasesLeaveNoPoolsBehind() throws Exception {
    try (RunningProxy proxy = proxy()) {
      try (Connection connection = connect(proxy, UpstreamDatabase.DATABASE)) {
        assertThat(connection.isValid(5)).isTrue();
      }
      int baseline = metricLines(proxy).size();
      int logins = 2000;
      AtomicInteger refused = new AtomicInteger();
      ExecutorService clients = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new java.util.ArrayList<>();
        for (int i = 0; i < logins; i++) {
          String database = "missing_" + i;
          done.add(clients.submit(() -> {
            Throwable failure = catchThrowable(() -> connect(proxy, database).close());
            if (failure instanceof SQLException e && e.getMessage().contains("does not exist")) {
              refused.incrementAndGet();
            }
          }));
        }
        for (Future<?> login : done) {
          login.get();
        }
      } finally {
        clients.shutdownNow();
      }
      assertThat(refused).as("each login got the upstream's answer").hasValue(logins);

      List<String> lines = metricLines(proxy);
      assertThat(lines).noneMatch(line -> line.contains("missing_"));
      // Before, each missing database left a pool and ~340 lines of meters (686,823 lines after 2,000).
      assertThat(lines.size()).isLessThan(baseline + 50);
      assertThat(proxy.server().pools()).as("only the URL's pool").hasSize(1);
      try (Connection connection = connect(proxy, UpstreamDatabase.DATABASE)) {
        assertThat(connection.isValid(5)).as("the proxy serves on").isTrue();
      }
    }
  }

  @Test
  void pastMaxPoolsALoginIsRefusedUntilAnUnusedPoolIsRemoved() throws Exception {
    try (RunningProxy proxy = proxy("--max-pools", "3", "--pool-idle-timeout", "1s")) {
      Connection one = connect(proxy, "app_one");
      Connection two = connect(proxy, "app_two");
      // The URL's pool, app_one's and app_two's: three.
      Throwable third = catchThrowable(() -> connect(proxy, "app_three").close());
      assertThat(third).isInstanceOfSatisfying(SQLException.class, e -> {
        assertThat(e.getSQLState()).isEqualTo("53300");
        assertThat(e.getMessage()).contains("too many pools").contains("pool.maxPools");
      });
      assertThat(one.isValid(5)).as("the others keep working").isTrue();
      try (Connection own = connect(proxy, UpstreamDatabase.DATABASE)) {
        assertThat(own.isValid(5)).isTrue();
      }

      // A pool with a client stays well past its idle timeout.
      Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .until(() -> metricLines(proxy).stream().anyMatch(line -> line.contains("app_one")));
      one.close();
      two.close();
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> metricLines(proxy).stream().noneMatch(line -> line.contains("app_one")
              || line.contains("app_two")));
      assertThat(metricLines(proxy)).as("the URL's pool is never removed as unused")
          .anyMatch(line -> line.contains("database=\"" + UpstreamDatabase.DATABASE + "\""));
      try (Connection connection = connect(proxy, "app_three")) {
        assertThat(connection.isValid(5)).isTrue();
      }
    }
  }
}
