package org.postgresml.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SettingsResolverTest {

  @TempDir
  Path dir;

  private static ProxySettings resolve(Map<String, String> env, String... args) {
    CliOptions options = new CliOptions();
    new CommandLine(options).parseArgs(args);
    return new SettingsResolver(options, env).resolve();
  }

  @Test
  void trustRefusesANetworkAddressUnlessAllowed() throws IOException {
    Map<String, String> env = Map.of("DATABASE_URL", "postgres://u:p@h/db");
    assertThatThrownBy(() -> resolve(env, "--client-auth", "trust")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("--allow-trust-on-network").hasMessageContaining("0.0.0.0");
    assertThatThrownBy(() -> resolve(env, "--client-auth", "trust", "--listen-host", "10.1.2.3"))
        .isInstanceOf(ConfigException.class);
    assertThat(resolve(env, "--client-auth", "trust", "--listen-host", "127.0.0.1").clientAuthMethod())
        .isEqualTo(ClientAuthMethod.TRUST);
    assertThat(resolve(env, "--client-auth", "trust", "--listen-host", "::1").allowTrustOnNetwork()).isFalse();
    assertThat(resolve(env, "--client-auth", "trust", "--allow-trust-on-network").allowTrustOnNetwork()).isTrue();
    Path file = dir.resolve("trust.yaml");
    Files.writeString(file, "clientAuth: {method: trust, allowTrustOnNetwork: true}\n");
    assertThat(resolve(env, "--config", file.toString()).clientAuthMethod()).isEqualTo(ClientAuthMethod.TRUST);
    assertThat(resolve(env, "--listen-host", "0.0.0.0").clientAuthMethod()).as("scram needs no permission")
        .isEqualTo(ClientAuthMethod.SCRAM_SHA_256);
  }

  @Test
  void databaseUrlAloneGivesTheDefaults() {
    ProxySettings settings = resolve(Map.of("DATABASE_URL", "postgres://u:p@h:5433/db?sslmode=require"));
    assertThat(settings.listenHost()).isEqualTo("0.0.0.0");
    assertThat(settings.port()).isEqualTo(6432);
    assertThat(settings.httpPort()).isEqualTo(9930);
    assertThat(settings.upstream().sslMode()).isEqualTo(SslMode.REQUIRE);
    assertThat(settings.clientAuthMethod()).isEqualTo(ClientAuthMethod.SCRAM_SHA_256);
    assertThat(settings.clientUsers()).containsExactly(new ProxySettings.ClientUser("u", "p"));
    assertThat(settings.pool().perPool().size()).isEqualTo(20);
    assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void flagsWinOverEnvironmentWhichWinsOverTheFile() throws IOException {
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, """
        listen: {host: 127.0.0.1, port: 7000}
        upstream: {url: "postgres://file:f@filehost/db", connectTimeout: 3s}
        pool: {mode: transaction, size: 8, minSize: 2}
        log: {format: json, connections: false}
        timeouts: {clientLogin: 500ms, shutdown: 5m, shutdownGrace: 12s}
        """);
    ProxySettings settings = resolve(Map.of("DATABASE_URL", "postgres://env:e@envhost/db",
        "PGML_PROXY_CONFIG", file.toString()), "--port", "7001", "--pool-size", "4");
    assertThat(settings.shutdownGrace()).as("timeouts.shutdownGrace from the file").isEqualTo(Duration.ofSeconds(12));
    assertThat(resolve(Map.of("DATABASE_URL", "postgres://env:e@envhost/db", "PGML_PROXY_CONFIG", file.toString()),
        "--shutdown-grace", "0s").shutdownGrace()).as("the flag wins").isZero();
    assertThat(settings.logConnections()).as("log.connections from the file").isFalse();
    assertThat(resolve(Map.of("DATABASE_URL", "postgres://env:e@envhost/db", "PGML_PROXY_CONFIG", file.toString()),
        "--log-connections", "true").logConnections()).as("the flag wins").isTrue();
    assertThat(settings.upstream().url().host()).isEqualTo("envhost");
    assertThat(settings.listenHost()).isEqualTo("127.0.0.1");
    assertThat(settings.port()).isEqualTo(7001);
    assertThat(settings.pool().mode()).isEqualTo(PoolMode.TRANSACTION);
    assertThat(settings.pool().perPool().size()).isEqualTo(4);
    assertThat(settings.pool().perPool().minSize()).isEqualTo(2);
    assertThat(settings.logFormat()).isEqualTo(LogFormat.JSON);
    assertThat(settings.clientLoginTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.upstream().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void usersFromPasswordFiles() throws IOException {
    Path password = dir.resolve("password");
    Files.writeString(password, "from-file\n");
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, """
        clientAuth:
          method: md5
          users:
            - {name: rds_app, passwordFile: %s}
            - {name: other, password: inline}
        """.formatted(password));
    ProxySettings settings = resolve(Map.of(), "--database-url", "postgres://u:p@h/db", "--config", file.toString());
    assertThat(settings.clientAuthMethod()).isEqualTo(ClientAuthMethod.MD5);
    assertThat(settings.clientUsers()).containsExactly(new ProxySettings.ClientUser("rds_app", "from-file"),
        new ProxySettings.ClientUser("other", "inline"));
    assertThat(settings.adminUsers()).containsExactly("rds_app", "other");
    assertThat(settings.clientUsers().toString()).doesNotContain("from-file", "inline");
  }

  @Test
  void unknownYamlKeysAreRejected() throws IOException {
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, "listen:\n  prot: 6432\n");
    assertThatThrownBy(() -> resolve(Map.of(), "--database-url", "postgres://u:p@h/db", "--config", file.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'prot'").hasMessageContaining("line 2");
  }

  /** The model is records, built once a section is read: the line is still the unknown key's own. */
  @Test
  void unknownKeysInsideAListEntryNameTheirLine() throws IOException {
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, "clientAuth:\n  users:\n    - name: app\n      pasword: x\n    - name: b\n");
    assertThatThrownBy(() -> resolve(Map.of(), "--database-url", "postgres://u:p@h/db", "--config", file.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'pasword'")
        .hasMessageContaining("line 4");
  }

  @Test
  void invalidValuesNameTheProblem() {
    assertThatThrownBy(() -> resolve(Map.of(), "--database-url", "postgres://u:p@h/db", "--upstream-sslmode", "sure"))
        .hasMessageContaining("invalid sslmode 'sure'");
    assertThatThrownBy(() -> resolve(Map.of(), "--database-url", "postgres://u:p@h/db", "--upstream-sslmode",
        "verify-full")).hasMessageContaining("needs a root CA");
    assertThatThrownBy(() -> resolve(Map.of())).hasMessageContaining("no upstream");
    assertThatThrownBy(() -> resolve(Map.of(), "--database-url", "postgres://u:p@h/db", "--tls-cert", "/nonexistent"))
        .hasMessageContaining("both --tls-cert and --tls-key");
    assertThatThrownBy(() -> resolve(Map.of(), "--database-url", "postgres://u:p@h/db", "--replica-id", "300"))
        .hasMessageContaining("between 0 and 255");
  }

  @Test
  void fleetFromFileEnvironmentAndFlags() throws IOException {
    Path secret = Files.writeString(dir.resolve("fleet-secret"), "0123456789abcdef-fleet\n");
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, """
        fleet:
          replicaId: 4
          peers: [proxy-a:6432, "proxy-b:7432"]
          peersDns: from-file.svc
          peerSecretFile: %s
        """.formatted(secret));
    ProxySettings fromFile = resolve(Map.of(), "--database-url", "postgres://u:p@h/db", "--config", file.toString());
    assertThat(fromFile.replicaId()).isEqualTo(4);
    assertThat(fromFile.fleet().peers()).extracting(java.net.InetSocketAddress::getHostString)
        .containsExactly("proxy-a", "proxy-b");
    assertThat(fromFile.fleet().peersDns()).contains("from-file.svc");
    assertThat(fromFile.fleet().secret()).hasValueSatisfying(bytes -> assertThat(new String(bytes,
        java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("0123456789abcdef-fleet"));
    assertThat(fromFile.fleet().toString()).doesNotContain("0123456789abcdef");

    ProxySettings fromEnv = resolve(Map.of("PGML_PROXY_FLEET_PEERS_DNS", "peers.ns.svc.cluster.local",
        "PGML_PROXY_FLEET_SECRET_FILE", secret.toString()), "--database-url", "postgres://u:p@h/db",
        "--config", file.toString(), "--fleet-peers", "10.0.0.1:6432,10.0.0.2:6432");
    assertThat(fromEnv.fleet().peersDns()).contains("peers.ns.svc.cluster.local");
    assertThat(fromEnv.fleet().peers()).hasSize(2);
    assertThat(resolve(Map.of(), "--database-url", "postgres://u:p@h/db").fleet().enabled()).isFalse();
  }

  @Test
  void fleetMistakesNameTheProblemAndNeverTheSecret() throws IOException {
    Path shortSecret = Files.writeString(dir.resolve("short"), "tooshort");
    assertThatThrownBy(() -> resolve(Map.of(), "--database-url", "postgres://u:p@h/db", "--fleet-peers-dns", "p.svc"))
        .hasMessageContaining("--fleet-secret-file");
    assertThatThrownBy(() -> resolve(Map.of(), "--database-url", "postgres://u:p@h/db", "--fleet-secret-file",
        shortSecret.toString())).hasMessageContaining("at least 16 bytes").hasMessageNotContaining("tooshort");
    assertThatThrownBy(() -> resolve(Map.of(), "--database-url", "postgres://u:p@h/db", "--fleet-secret-file",
        "/nonexistent/secret")).hasMessageContaining("not a readable file");
    assertThatThrownBy(() -> resolve(Map.of(), "--database-url", "postgres://u:p@h/db", "--fleet-peers", "proxy-a"))
        .hasMessageContaining("host:port, not 'proxy-a'");
  }

  @Test
  void clientLimitsHavePostgresLikeDefaultsAndComeFromTheFileOrFlags() throws IOException {
    Map<String, String> env = Map.of("DATABASE_URL", "postgres://u:p@h/db");
    ProxySettings.Limits defaults = resolve(env).limits();
    assertThat(defaults.maxMessageSize()).isEqualTo(64 * 1024 * 1024);
    assertThat(defaults.maxPreparedStatements()).isEqualTo(1000);
    Path file = dir.resolve("limits.yaml");
    Files.writeString(file, "limits: {maxMessageSize: 512kB, maxPreparedStatements: 50}\n");
    ProxySettings.Limits fromFile = resolve(env, "--config", file.toString()).limits();
    assertThat(fromFile.maxMessageSize()).isEqualTo(512 * 1024);
    assertThat(fromFile.maxPreparedStatements()).isEqualTo(50);
    ProxySettings.Limits fromFlags = resolve(env, "--config", file.toString(), "--max-message-size", "1GB",
        "--max-prepared-statements", "7").limits();
    assertThat(fromFlags.maxMessageSize()).as("PostgreSQL's MaxAllocSize").isEqualTo(0x3fffffff);
    assertThat(fromFlags.maxPreparedStatements()).isEqualTo(7);
    assertThat(resolve(env, "--max-message-size", "1048576").limits().maxMessageSize()).isEqualTo(1 << 20);
  }

  @Test
  void limitsOutsideWhatWorksAreRefusedWithTheKeyAndTheRange() {
    Map<String, String> env = Map.of("DATABASE_URL", "postgres://u:p@h/db");
    assertThatThrownBy(() -> resolve(env, "--max-message-size", "2GB")).isInstanceOf(ConfigException.class)
        .hasMessage("limits.maxMessageSize must be between 64kB and 1GB, not 2GB");
    assertThatThrownBy(() -> resolve(env, "--max-message-size", "lots")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("invalid size 'lots'");
    assertThatThrownBy(() -> resolve(env, "--max-message-size", "1kB")).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> resolve(env, "--max-prepared-statements", "0")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("--max-prepared-statements");
  }

  @Test
  void aUrlWithoutAPasswordNeedsTrustOrUsersOfItsOwn() throws IOException {
    Map<String, String> env = Map.of("DATABASE_URL", "postgres://u@h/db");
    assertThatThrownBy(() -> resolve(env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("no password").hasMessageContaining("--client-auth trust");
    assertThat(resolve(env, "--client-auth", "trust", "--listen-host", "127.0.0.1").clientUsers())
        .containsExactly(new ProxySettings.ClientUser("u", ""));
    Path file = dir.resolve("users.yaml");
    Files.writeString(file, "clientAuth:\n  users:\n    - {name: app, password: secret}\n");
    assertThat(resolve(env, "--config", file.toString()).clientUsers()).extracting(ProxySettings.ClientUser::name)
        .containsExactly("app");
  }

  @Test
  void eachUserMayNameItsMethodAndItsAddresses() throws IOException {
    Map<String, String> env = Map.of("DATABASE_URL", "postgres://u:p@h/db");
    Path file = dir.resolve("users.yaml");
    Files.writeString(file, "clientAuth:\n  users:\n"
        + "    - {name: app, password: secret}\n"
        + "    - {name: job, method: trust, address: 10.1.0.0/16}\n"
        + "    - {name: old, password: x, method: md5, address: '::1'}\n");
    var users = resolve(env, "--config", file.toString()).clientUsers();
    assertThat(users.get(0).method()).isEmpty();
    assertThat(users.get(1).method()).contains(ClientAuthMethod.TRUST);
    assertThat(users.get(1).address().orElseThrow().contains(java.net.InetAddress.getByName("10.1.200.3"))).isTrue();
    assertThat(users.get(1).address().orElseThrow().contains(java.net.InetAddress.getByName("10.2.0.1"))).isFalse();
    assertThat(users.get(2).address().orElseThrow().contains(java.net.InetAddress.getByName("::1"))).isTrue();
    assertThat(users.get(2).address().orElseThrow().contains(java.net.InetAddress.getByName("127.0.0.1"))).isFalse();
    assertThat(users.toString()).doesNotContain("secret");

    Files.writeString(file, "clientAuth:\n  users:\n    - {name: a, method: trust}\n");
    assertThatThrownBy(() -> resolve(env, "--config", file.toString())).as("trust for all on 0.0.0.0")
        .isInstanceOf(ConfigException.class).hasMessageContaining("clientAuth.users.a");
    assertThat(resolve(env, "--config", file.toString(), "--listen-host", "127.0.0.1").clientUsers()).hasSize(1);

    for (String bad : new String[] {
        "    - {name: a, method: scram-sha-256}\n",                 // no password for a password method
        "    - {name: a, password: x, method: ldap}\n",             // no such method
        "    - {name: a, method: trust, address: db.example.com}\n", // names are not addresses
        "    - {name: a, method: trust, address: 10.0.0.0/33}\n",
        "    - {name: a, password: x}\n    - {name: a, password: y}\n"}) {
      Files.writeString(file, "clientAuth:\n  users:\n" + bad);
      assertThatThrownBy(() -> resolve(env, "--config", file.toString())).as(bad).isInstanceOf(ConfigException.class)
          .hasMessageContaining("clientAuth.users.a");
    }
  }
}
