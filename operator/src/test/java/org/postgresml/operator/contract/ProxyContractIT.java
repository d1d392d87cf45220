package org.postgresml.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
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
import org.postgresml.operator.api.spec.ClientUserMethod;
import org.postgresml.operator.api.spec.ClientUserSpec;
import org.postgresml.operator.api.spec.SecretKeyRef;
import org.postgresml.operator.api.spec.SecretRef;
import org.postgresml.operator.api.spec.SslMode;
import org.postgresml.operator.api.spec.TlsSpec;
import org.postgresml.operator.render.RenderInputs;
import org.postgresml.operator.testing.Fixtures;
import org.postgresml.proxy.ProxyServer;
import org.postgresml.testing.CertificateAuthority;
import org.postgresml.testing.PgmlStandIn;
import org.postgresml.testing.PostgresCluster;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The contract between operator and proxy: render a PgmlProxy, start the real proxy with exactly the
 * container's arguments, environment and mounted files, and run PostgresML's dblink query through
 * it from a second PostgreSQL. A flag, key or path the proxy does not know fails here.
 *
 * <p>The upstream is a real PostgreSQL standing in for PostgresML: {@code pgml.embed} there is a
 * deterministic stand-in function, not the extension. Besides rewriting the /etc/pgml-proxy mount
 * prefix (see RenderedPod), the test appends {@code --listen-host 127.0.0.1 --port 0 --http-port <free port>}
 * so that it binds loopback and free ports only; flags win over the file, as in production.
 */
@ExtendWith(NettyLeakCheck.class)
class ProxyContractIT {

  static final String DATABASE = "pgml_db";
  static final String UPSTREAM_USER = "pgml_user";
  static final String MODEL = "intfloat/e5-small-v2";
  static final String TEXT = "embed this text";

  @TempDir
  Path dir;

  @Test
  void theRenderedPodRunsTheBlogsDblinkQuery() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    CertificateAuthority ca = CertificateAuthority.create("contract CA");
    Path caFile = ca.writeCertificate(dir.resolve("ca.crt"));
    var proxyCert = ca.issueServer(dir, "proxy", "localhost", "127.0.0.1");
    List<AutoCloseable> cleanup = new ArrayList<>();
    try (PostgresCluster upstream = PostgresCluster.builder().tls(ca).requireTls(true).start();
         PostgresCluster rds = PostgresCluster.start()) {
      upstream.createUser(UPSTREAM_USER, "upstream-pw");
      upstream.execute("postgres", "CREATE DATABASE " + DATABASE + " OWNER " + UPSTREAM_USER);
      upstream.installPgmlStandIn(DATABASE);

      // The user's objects: the PgmlProxy and the Secrets it references.
      PgmlProxy proxy = Fixtures.proxy("contract");
      proxy.getSpec().upstream.sslMode = SslMode.VERIFY_FULL;
      proxy.getSpec().upstream.caSecretRef = new SecretKeyRef("pgml-ca", "ca.crt");
      proxy.getSpec().tls = new TlsSpec();
      proxy.getSpec().tls.secretRef = new SecretRef("proxy-tls");
      proxy.getSpec().tls.required = true;
      Map<String, Secret> secrets = new LinkedHashMap<>();
      secrets.put(Fixtures.URL_SECRET, Fixtures.urlSecret("postgres://" + UPSTREAM_USER + ":upstream-pw@127.0.0.1:"
          + upstream.port() + "/" + DATABASE));
      secrets.put("pgml-ca", secret("pgml-ca", Map.of("ca.crt", Files.readString(caFile))));
      secrets.put("proxy-tls", secret("proxy-tls", Map.of("tls.crt", Files.readString(proxyCert.certificateFile()),
          "tls.key", Files.readString(proxyCert.privateKeyFile()))));

      RenderInputs inputs = RenderedFleet.inputs(proxy, secrets);
      String clientPassword = "generated-client-pw";
      RenderedFleet.Rendered rendered = RenderedFleet.render(proxy, inputs, clientPassword);
      secrets.putAll(rendered.secrets());

      RenderedPod pod = RenderedPod.materialize(rendered.deployment(), secrets, dir.resolve("pod"));
      ProxyServer server = RenderedFleet.start(pod);
      cleanup.add(() -> server.shutdown(Duration.ofSeconds(1)));

      int port = server.address().getPort();
      var http = server.httpAddress().orElseThrow();
      assertThat(get(http.getPort(), "/livez")).isEqualTo(200);
      assertThat(get(http.getPort(), "/readyz")).isEqualTo(200);

      rds.execute("postgres",
          "CREATE EXTENSION IF NOT EXISTS dblink",
          "CREATE SERVER postgresml FOREIGN DATA WRAPPER dblink_fdw OPTIONS (host '127.0.0.1', port '" + port
              + "', dbname '" + DATABASE + "', sslmode 'verify-full', sslrootcert '" + caFile + "')",
          "CREATE USER MAPPING FOR CURRENT_USER SERVER postgresml OPTIONS (user '" + inputs.clientUsername()
              + "', password '" + clientPassword + "')");
      try (Connection connection = rds.connect(); Statement statement = connection.createStatement();
           ResultSet rows = statement.executeQuery("SELECT * FROM dblink('postgresml', 'SELECT pgml.embed(''"
               + MODEL + "'', ''" + TEXT + "'')') AS t(embedding real[])")) {
        assertThat(rows.next()).isTrue();
        assertThat(floats(rows.getArray(1))).containsExactly(PgmlStandIn.expectedEmbedding(MODEL, TEXT));
      }
    } finally {
      for (AutoCloseable resource : cleanup) {
        resource.close();
      }
    }
  }

  /** clientAuth.users: each rendered entry's method, address and mounted password file reach the proxy. */
  @Test
  void theRenderedPodAcceptsEachListedUserByItsOwnMethod() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<AutoCloseable> cleanup = new ArrayList<>();
    try (PostgresCluster upstream = PostgresCluster.start()) {
      upstream.createUser(UPSTREAM_USER, "upstream-pw");
      upstream.execute("postgres", "CREATE DATABASE " + DATABASE + " OWNER " + UPSTREAM_USER);

      PgmlProxy proxy = Fixtures.proxy("contract");
      proxy.getSpec().upstream.sslMode = SslMode.DISABLE;
      proxy.getSpec().clientAuth.users.add(user("app", ClientUserMethod.SCRAM_SHA_256, null,
          new SecretKeyRef("app-pw", "pw")));
      proxy.getSpec().clientAuth.users.add(user("nightly_job", ClientUserMethod.TRUST, "127.0.0.1/32", null));
      proxy.getSpec().clientAuth.users.add(user("far_job", ClientUserMethod.TRUST, "10.0.4.0/24", null));
      Map<String, Secret> secrets = new LinkedHashMap<>();
      secrets.put(Fixtures.URL_SECRET, Fixtures.urlSecret("postgres://" + UPSTREAM_USER + ":upstream-pw@127.0.0.1:"
          + upstream.port() + "/" + DATABASE));
      secrets.put("app-pw", secret("app-pw", Map.of("pw", "app-secret-pw")));

      RenderInputs inputs = RenderedFleet.inputs(proxy, secrets);
      RenderedFleet.Rendered rendered = RenderedFleet.render(proxy, inputs, "generated-client-pw");
      secrets.putAll(rendered.secrets());

      RenderedPod pod = RenderedPod.materialize(rendered.deployment(), secrets, dir.resolve("pod"));
      ProxyServer server = RenderedFleet.start(pod);
      cleanup.add(() -> server.shutdown(Duration.ofSeconds(1)));
      String url = "jdbc:postgresql://127.0.0.1:" + server.address().getPort() + "/" + DATABASE + "?sslmode=disable";

      assertThat(selectOne(url, inputs.clientUsername(), "generated-client-pw")).isEqualTo(1);
      assertThat(selectOne(url, "app", "app-secret-pw")).isEqualTo(1);
      assertThat(selectOne(url, "nightly_job", null)).isEqualTo(1);
      assertThat(loginState(url, "app", "wrong-pw")).isEqualTo("28P01");
      assertThat(loginState(url, "far_job", null)).isEqualTo("28000");
    } finally {
      for (AutoCloseable resource : cleanup) {
        resource.close();
      }
    }
  }

  private static ClientUserSpec user(String name, ClientUserMethod method, String address, SecretKeyRef password) {
    ClientUserSpec user = new ClientUserSpec();
    user.name = name;
    user.method = method;
    user.address = address;
    user.passwordSecretRef = password;
    return user;
  }

  private static int selectOne(String url, String user, String password) throws java.sql.SQLException {
    java.util.Properties properties = new java.util.Properties();
    properties.setProperty("user", user);
    if (password != null) {
      properties.setProperty("password", password);
    }
    try (Connection connection = java.sql.DriverManager.getConnection(url, properties);
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT 1")) {
      assertThat(rows.next()).isTrue();
      return rows.getInt(1);
    }
  }

  private static String loginState(String url, String user, String password) {
    try {
      selectOne(url, user, password);
      return "logged in";
    } catch (java.sql.SQLException e) {
      return e.getSQLState();
    }
  }

  private static Secret secret(String name, Map<String, String> data) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(Fixtures.NAMESPACE).endMetadata()
        .withStringData(data).build();
  }

  private static int get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static float[] floats(Array array) throws java.sql.SQLException {
    Float[] boxed = (Float[]) array.getArray();
    float[] values = new float[boxed.length];
    for (int i = 0; i < boxed.length; i++) {
      values[i] = boxed[i];
    }
    return values;
  }
}
