package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * A client that stops reading must stop the upstream too, instead of the proxy buffering the whole
 * result: the backend then waits on its socket (wait_event ClientWrite) until the client reads on.
 */
@ExtendWith(NettyLeakCheck.class)
class BackpressureIT {

  private static final int ROWS = 50_000; // 50 MB of DataRows: far more than socket buffers and watermarks

  @Test
  void slowReaderPausesTheUpstream() throws Exception {
    try (UpstreamDatabase upstream = UpstreamDatabase.start();
         RunningProxy proxy = RunningProxy.start(List.of("--database-url", upstream.url("disable"),
             "--client-auth", "trust"));
         RawClient client = new RawClient(proxy.port())) {
      client.send(RawClient.startup(Map.of("user", UpstreamDatabase.USER, "database", UpstreamDatabase.DATABASE,
          "application_name", "slow-reader")));
      while (client.read().type() != 'Z') {
        // AuthenticationOk, ParameterStatus…, BackendKeyData up to ReadyForQuery
      }
      byte[] sql = ("SELECT repeat('x', 1000) FROM generate_series(1, " + ROWS + ")\0")
          .getBytes(StandardCharsets.US_ASCII);
      client.send(ByteBuffer.allocate(5 + sql.length).put((byte) 'Q').putInt(4 + sql.length).put(sql).array());

      try (Connection observer = upstream.cluster().connect(); Statement statement = observer.createStatement()) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
          try (ResultSet rows = statement.executeQuery("SELECT wait_event FROM pg_stat_activity "
              + "WHERE application_name = 'slow-reader' AND state = 'active'")) {
            return rows.next() && "ClientWrite".equals(rows.getString(1));
          }
        });
      }

      long dataRows = 0;
      for (RawClient.Message message = client.read(); message.type() != 'Z'; message = client.read()) {
        if (message.type() == 'D') {
          dataRows++;
        }
      }
      assertThat(dataRows).isEqualTo(ROWS);
    }
  }
}
