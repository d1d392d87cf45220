package org.postgresml.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.CacheFunctionSpec;
import org.postgresml.operator.api.spec.CacheSpec;
import org.postgresml.operator.api.spec.SslMode;
import org.postgresml.operator.render.FleetNames;
import org.postgresml.operator.render.RenderInputs;
import org.postgresml.operator.testing.Fixtures;
import org.postgresml.proxy.ProxyServer;
import org.postgresml.testing.PgmlStandIn;
import org.postgresml.testing.PostgresCluster;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * spec.cache end to end, as ProxyContractIT runs the rendered pod: the real proxy started with the
 * container's arguments, environment and mounted files (laid out as the kubelet lays them out)
 * answers the blog's repeated dblink call from its cache, which the stand-in's call counter proves;
 * then a generation bump, rendered and swapped into the mounted config as the kubelet swaps an
 * updated Secret, leaves the Deployment as it was and empties the running proxy's cache.
 *
 * <p>The upstream is a real PostgreSQL standing in for PostgresML: {@code pgml.embed} there is a
 * deterministic stand-in function that counts its calls, not the extension.
 */
@ExtendWith(NettyLeakCheck.class)
class CacheContractIT {

  static final String DATABASE = "pgml_db";
  static final String UPSTREAM_USER = "pgml_user";
  static final String MODEL = "intfloat/e5-small-v2";
  static final String TEXT = "embed this text";
  static final String CLIENT_PASSWORD = "generated-client-pw";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @TempDir
  Path dir;

  @Test
  void theRenderedCacheAnswersARepeatedCallAndAGenerationBumpEmptiesItWithoutARestart() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<AutoCloseable> cleanup = new ArrayList<>();
    try (PostgresCluster upstream = PostgresCluster.start();
         PostgresCluster rds = PostgresCluster.start()) {
      upstream.createUser(UPSTREAM_USER, "upstream-pw");
      upstream.execute("postgres", "CREATE DATABASE " + DATABASE + " OWNER " + UPSTREAM_USER);
      upstream.installPgmlStandIn(DATABASE);

      PgmlProxy proxy = Fixtures.proxy("cached");
      proxy.getSpec().upstream.sslMode = SslMode.DISABLE;
      proxy.getSpec().cache = new CacheSpec();
      proxy.getSpec().cache.functions.add(new CacheFunctionSpec("pgml.embed", true));
      Map<String, Secret> secrets = new LinkedHashMap<>();
      secrets.put(Fixtures.URL_SECRET, Fixtures.urlSecret("postgres://" + UPSTREAM_USER + ":upstream-pw@127.0.0.1:"
          + upstream.port() + "/" + DATABASE));
      RenderInputs inputs = RenderedFleet.inputs(proxy, secrets);
      RenderedFleet.Rendered first = RenderedFleet.render(proxy, inputs, CLIENT_PASSWORD);
      secrets.putAll(first.secrets());
      assertThat(first.configFile()).contains("cache:", "- name: pgml.embed", "generation: 0");

      RenderedPod pod = RenderedPod.materialize(first.deployment(), secrets, dir.resolve("pod"));
      ProxyServer server = RenderedFleet.start(pod);
      cleanup.add(() -> server.shutdown(Duration.ofSeconds(1)));
      rds.execute("postgres",
          "CREATE EXTENSION IF NOT EXISTS dblink",
          "CREATE SERVER postgresml FOREIGN DATA WRAPPER dblink_fdw OPTIONS (host '127.0.0.1', port '"
              + server.address().getPort() + "', dbname '" + DATABASE + "', sslmode 'disable')",
          "CREATE USER MAPPING FOR CURRENT_USER SERVER postgresml OPTIONS (user '" + inputs.clientUsername()
              + "', password '" + CLIENT_PASSWORD + "')");

      assertThat(embedThroughDblink(rds)).containsExactly(PgmlStandIn.expectedEmbedding(MODEL, TEXT));
      assertThat(upstreamCalls(upstream)).isEqualTo(1);
      assertThat(embedThroughDblink(rds)).as("the same answer, from the cache")
          .containsExactly(PgmlStandIn.expectedEmbedding(MODEL, TEXT));
      assertThat(upstreamCalls(upstream)).as("a repeated call does not reach PostgresML").isEqualTo(1);

      // kubectl patch ... {"spec":{"cache":{"generation":1}}}: the operator renders again.
      proxy.getSpec().cache.generation = 1L;
      RenderedFleet.Rendered bumped = RenderedFleet.render(proxy, inputs, CLIENT_PASSWORD);
      assertThat(SERIALIZATION.asYaml(bumped.deployment())).as("the Deployment, so no rollout")
          .isEqualTo(SERIALIZATION.asYaml(first.deployment()));
      assertThat(bumped.configFile()).isNotEqualTo(first.configFile()).contains("generation: 1");

      // The kubelet swaps the updated Secret into the running pod's volume; the proxy's watcher reloads it.
      pod.update(bumped.secrets().get(FleetNames.configSecret(proxy)));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        assertThat(embedThroughDblink(rds)).containsExactly(PgmlStandIn.expectedEmbedding(MODEL, TEXT));
        assertThat(upstreamCalls(upstream)).as("a call after the reload misses the emptied cache").isEqualTo(2);
      });
      assertThat(embedThroughDblink(rds)).containsExactly(PgmlStandIn.expectedEmbedding(MODEL, TEXT));
      assertThat(upstreamCalls(upstream)).as("cached again, under the new generation").isEqualTo(2);
      assertThat(server.address()).as("the same process served throughout").isNotNull();
    } finally {
      for (AutoCloseable resource : cleanup) {
        resource.close();
      }
    }
  }

  /** The blog's query: one unnamed dblink call, a new connection to the proxy each time. */
  private static float[] embedThroughDblink(PostgresCluster rds) throws SQLException {
    try (Connection connection = rds.connect(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT * FROM dblink('postgresml', 'SELECT pgml.embed(''"
             + MODEL + "'', ''" + TEXT + "'')') AS t(embedding real[])")) {
      assertThat(rows.next()).isTrue();
      Float[] boxed = (Float[]) rows.getArray(1).getArray();
      float[] values = new float[boxed.length];
      for (int i = 0; i < boxed.length; i++) {
        values[i] = boxed[i];
      }
      return values;
    }
  }

  private static long upstreamCalls(PostgresCluster upstream) throws SQLException {
    try (Connection connection = upstream.connect(DATABASE, UPSTREAM_USER, "upstream-pw"); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(PgmlStandIn.CALLS_SQL)) {
      assertThat(rows.next()).isTrue();
      return rows.getLong(1);
    }
  }
}
