package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.netty.NettyLeakCheck;
import org.postgresql.util.PSQLException;
import org.slf4j.LoggerFactory;

/**
 * Replication connections (a logical-replication subscription's {@code replication=database}) are
 * refused with a clear error and a hint to connect directly and back off, and a driver that retries
 * without pause makes one log line per minute, not one (or three) per attempt.
 */
@ExtendWith(NettyLeakCheck.class)
class ReplicationRefusalIT {

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create().withProxy(ProxyOptions.defaults());

  @Test
  void aReplicationDriverRetryingAtOnceIsRefusedEachTimeAndLoggedOnce() throws SQLException {
    Logger sessions = (Logger) LoggerFactory.getLogger("org.postgresml.proxy.session");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    sessions.addAppender(lines);
    try {
      for (int attempt = 0; attempt < 30; attempt++) {
        Throwable refused = catchThrowable(() -> replicationConnection().close());
        assertThat(refused).isInstanceOfSatisfying(PSQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("0A000");
          assertThat(e.getServerErrorMessage().getMessage()).contains("replication connections are not supported");
          assertThat(e.getServerErrorMessage().getHint()).contains("directly").contains("back off");
        });
      }
    } finally {
      sessions.detachAppender(lines);
    }
    long infoLines = lines.list.stream().filter(line -> line.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO))
        .count();
    assertThat(infoLines).as("30 refused replication logins, one line (then one a minute)").isEqualTo(1);
    try (Connection ordinary = upstream.connect()) {
      assertThat(ordinary.isValid(5)).as("everyone else is served").isTrue();
    }
  }

  private static Connection replicationConnection() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("replication", "database");
    properties.setProperty("assumeMinServerVersion", "10");
    properties.setProperty("preferQueryMode", "simple");
    return upstream.connect(properties);
  }
}
