package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.AuthMethod;
import org.postgresml.testing.PostgresCluster;
import org.postgresml.testing.netty.NettyLeakCheck;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * FunctionCall (the fast path pgjdbc's and libpq's large objects use) through the proxy in both
 * pool modes: answered in full before the server connection goes to anyone else, and messages
 * PostgreSQL does not define refused rather than forwarded.
 */
@ExtendWith(NettyLeakCheck.class)
class FunctionCallIT {

  private static final int POOL_SIZE = 4;

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create(PostgresCluster.builder().auth(AuthMethod.MD5))
      .withProxy("session", proxyOptions("session"))
      .withProxy("transaction", proxyOptions("transaction"));

  private static int int4pl;

  @BeforeAll
  static void findInt4pl() throws SQLException {
    try (Connection connection = upstream.cluster().connect(UpstreamDatabase.DATABASE, UpstreamDatabase.USER,
        upstream.password()); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT oid FROM pg_proc WHERE proname = 'int4pl'")) {
      rows.next();
      int4pl = rows.getInt(1);
    }
  }

  private static ProxyOptions proxyOptions(String mode) {
    return ProxyOptions.defaults().poolMode(mode).poolSize(POOL_SIZE).clientAuth("md5");
  }

  /**
   * The probe that found the bug, as a regression test: one client pipelines a FunctionCall and a
   * slow Query in one write, over and over, and in between leaves right after the FunctionCall's
   * answer; sixteen others run tagged queries. Every one of them must get exactly its own results,
   * and no session may end early (a NullPointerException in the relay ended them).
   */
  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void aFunctionCallPipelinedWithAQueryGivesNobodyAnotherClientsResults(String mode) throws Exception {
    RunningProxy proxy = upstream.proxy(mode);
    ExecutorService threads = Executors.newFixedThreadPool(17);
    try {
      Future<Integer> attacker = threads.submit(() -> attack(proxy, 60));
      List<Future<Integer>> others = new ArrayList<>();
      for (int client = 1; client <= 16; client++) {
        int id = client;
        others.add(threads.submit(() -> taggedQueries(proxy, id, 8, 6)));
      }
      int checked = 0;
      for (Future<Integer> other : others) {
        checked += other.get(5, TimeUnit.MINUTES);
      }
      assertThat(checked).as("results checked, every one the client's own").isEqualTo(16 * 8 * 6);
      assertThat(attacker.get(5, TimeUnit.MINUTES)).as("the pipelining client's own replies").isPositive();
    } finally {
      threads.shutdownNow();
    }
  }

  /** Rounds of: two F+Query pipelines read in full, then one left after the FunctionCall's reply. */
  private static int attack(RunningProxy proxy, int rounds) throws Exception {
    int checked = 0;
    for (int round = 0; round < rounds; round++) {
      try (RawClient client = RawClient.loggedIn(proxy.port(), UpstreamDatabase.USER, upstream.password(),
          UpstreamDatabase.DATABASE, Duration.ofSeconds(60))) {
        for (int i = 0; i < 3; i++) {
          String tag = "attacker-" + round + "-" + i;
          client.send(new FrontendBytes().functionCall(int4pl, Integer.toString(round), Integer.toString(i))
              .query("SELECT '" + tag + "' FROM pg_sleep(0.01)").bytes());
          assertThat(text(client.read())).as("FunctionCallResponse").isEqualTo("V" + (round + i));
          assertThat(client.read().type()).isEqualTo('Z');
          if (i == 2) {
            break; // leaves with the Query's replies outstanding: that connection is dirty
          }
          assertThat(client.read().type()).isEqualTo('T');
          assertThat(text(client.read())).isEqualTo("D" + tag);
          assertThat(client.read().type()).isEqualTo('C');
          assertThat(client.read().type()).isEqualTo('Z');
          checked++;
        }
      }
    }
    return checked;
  }

  private static int taggedQueries(RunningProxy proxy, int client, int sessions, int queries) throws Exception {
    int checked = 0;
    for (int s = 0; s < sessions; s++) {
      try (Connection connection = proxy.connect(UpstreamDatabase.USER, upstream.password());
           Statement statement = connection.createStatement()) {
        for (int q = 0; q < queries; q++) {
          String tag = "client-" + client + "-" + s + "-" + q;
          try (ResultSet rows = statement.executeQuery("SELECT '" + tag + "'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).as("client %d's own result", client).isEqualTo(tag);
            assertThat(rows.next()).isFalse();
            checked++;
          }
        }
      }
    }
    return checked;
  }

  /** A reply's type and, for a DataRow or FunctionCallResponse, its one value. */
  private static String text(RawClient.Message message) {
    byte[] body = message.body();
    int offset = message.type() == 'D' ? 6 : 4;
    return message.type() + new String(body, offset, body.length - offset, StandardCharsets.UTF_8);
  }

  /** pgjdbc's LargeObjectManager speaks FunctionCall: create, write, seek, read, unlink in a transaction. */
  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void largeObjectsWorkThroughTheProxy(String mode) throws Exception {
    byte[] data = new byte[200_000];
    new Random(42).nextBytes(data);
    try (Connection connection = upstream.connect(mode, new Properties())) {
      connection.setAutoCommit(false);
      LargeObjectManager objects = connection.unwrap(PGConnection.class).getLargeObjectAPI();
      long oid = objects.createLO(LargeObjectManager.READWRITE);
      try (LargeObject object = objects.open(oid, LargeObjectManager.READWRITE)) {
        object.write(data);
        object.seek(0);
        assertThat(object.read(data.length)).isEqualTo(data);
        object.seek(150_000);
        assertThat(object.tell()).isEqualTo(150_000);
        assertThat(object.read(10)).isEqualTo(Arrays.copyOfRange(data, 150_000, 150_010));
        assertThat(object.size()).isEqualTo(data.length);
      }
      connection.commit();
      try (LargeObject object = objects.open(oid, LargeObjectManager.READ)) {
        assertThat(object.read(data.length)).as("read again in the next transaction").isEqualTo(data);
      }
      objects.unlink(oid);
      connection.commit();
      try (Statement statement = connection.createStatement();
           ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_largeobject_metadata WHERE oid = " + oid)) {
        rows.next();
        assertThat(rows.getInt(1)).as("unlinked").isZero();
      }
      connection.commit();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void aMessageTypePostgresqlDoesNotDefineIsRefusedWithAProtocolViolation(String mode) throws Exception {
    RunningProxy proxy = upstream.proxy(mode);
    for (char type : new char[] {'Y', 'p', 'x'}) {
      try (RawClient client = RawClient.loggedIn(proxy.port(), UpstreamDatabase.USER, upstream.password(),
          UpstreamDatabase.DATABASE)) {
        client.send(new FrontendBytes().query("SELECT 1").message(type, new byte[] {1, 2, 3}).query("SELECT 2")
            .bytes());
        // The proxy refuses it as it reads it, before the server could answer the Query ahead of it
        // (forwarded, the server would answer that Query first, then refuse the same way).
        RawClient.Message first = client.read();
        assertThat(first.type()).as("the first reply").isEqualTo('E');
        Map<Character, String> error = RawClient.fields(first);
        assertThat(error).containsEntry('C', "08P01").containsEntry('S', "FATAL");
        assertThat(error.get('M')).isEqualTo("invalid frontend message type " + (int) type);
        assertThat(client.closedByPeer()).isTrue();
      }
    }
    try (Connection connection = proxy.connect(UpstreamDatabase.USER, upstream.password());
         Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT 3")) {
      rows.next();
      assertThat(rows.getInt(1)).as("the next client is served").isEqualTo(3);
    }
  }
}
