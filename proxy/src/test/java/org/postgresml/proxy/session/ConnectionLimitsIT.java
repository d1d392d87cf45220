package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.InetAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.proxy.admin.AdminConsole;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * Sockets that never log in cannot lock anyone out, and the admin console has room when clients
 * fill max_client_conn.
 */
@ExtendWith(NettyLeakCheck.class)
class ConnectionLimitsIT {

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create();

  private static Connection login(RunningProxy proxy, String database) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", UpstreamDatabase.USER);
    properties.setProperty("password", upstream.password());
    properties.setProperty("connectTimeout", "30");
    properties.setProperty("assumeMinServerVersion", "10"); // application_name in the startup, not a SET the console refuses
    return DriverManager.getConnection(proxy.jdbcUrl(database, "disable"), properties);
  }

  @Test
  void silentSocketsDoNotLockOutClientsOrTheAdmin() throws Exception {
    int maxClientConn = 1000; // the default
    List<Socket> silent = new ArrayList<>();
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", upstream.url("disable")))) {
      try {
        for (int i = 0; i < maxClientConn; i++) {
          Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
          socket.setSoTimeout(30_000);
          silent.add(socket); // connects and says nothing, as a slowloris does
        }
        Awaitility.await().atMost(Duration.ofSeconds(60))
            .until(() -> proxy.server().activeSessions() >= maxClientConn);

        try (Connection admin = login(proxy, AdminConsole.DATABASE);
             Connection client = login(proxy, UpstreamDatabase.DATABASE)) {
          assertThat(client.isValid(5)).isTrue();
          assertThat(admin.isClosed()).isFalse();
        }
        // Room was made by dropping the sockets that had waited longest: the first one sees its end.
        assertThat(silent.get(0).getInputStream().read()).as("the oldest silent socket was closed").isEqualTo(-1);
      } finally {
        for (Socket socket : silent) {
          socket.close();
        }
      }
    }
  }

  @Test
  void adminConsoleHasRoomWhenClientsFillMaxClientConn() throws Exception {
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", upstream.url("disable"),
        "--max-client-conn", "2", "--admin-connections", "1"));
         Connection one = login(proxy, UpstreamDatabase.DATABASE);
         Connection two = login(proxy, UpstreamDatabase.DATABASE)) {
      Throwable third = catchThrowable(() -> login(proxy, UpstreamDatabase.DATABASE).close());
      assertThat(third).isInstanceOfSatisfying(SQLException.class, e -> {
        assertThat(e.getSQLState()).isEqualTo("53300");
        assertThat(e.getMessage()).contains("max_client_conn is 2");
      });
      try (Connection admin = login(proxy, AdminConsole.DATABASE)) {
        assertThat(admin.isClosed()).isFalse();
        Throwable secondAdmin = catchThrowable(() -> login(proxy, AdminConsole.DATABASE).close());
        assertThat(secondAdmin).isInstanceOfSatisfying(SQLException.class,
            e -> assertThat(e.getMessage()).contains("pool.adminConnections is 1"));
      }
      assertThat(one.isValid(5) && two.isValid(5)).isTrue();
    }
  }
}
