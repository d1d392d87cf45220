package org.postgresml.bench.target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresml.bench.Endpoint;
import org.postgresml.bench.run.ManagedProcess;
import org.postgresml.testing.ClientPrograms;
import org.postgresml.testing.FreePorts;
import org.postgresml.testing.ServerUser;

/** Debian's PgBouncer, configured like pgml-proxy: same pool mode and sizes, SCRAM-SHA-256 to clients. */
public final class PgBouncer implements Pooler {

  public static final String NAME = "pgbouncer";

  private final Optional<Path> binary = findBinary();
  private final Optional<String> scramSecret;

  /**
   * @param scramSecret the user's SCRAM secret as PostgreSQL stores it ({@code SCRAM-SHA-256$4096:…}), for
   *     the userlist; empty puts the plain password there instead
   */
  public PgBouncer(Optional<String> scramSecret) {
    this.scramSecret = scramSecret;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<String> unavailableReason() {
    return binary.isPresent() ? Optional.empty()
        : Optional.of("pgbouncer not found (bench/run.sh installs Debian's package: apt-get install -y pgbouncer)");
  }

  @Override
  public String version() {
    if (binary.isEmpty()) {
      return "not installed";
    }
    ClientPrograms.Result result = ClientPrograms.run(List.of(binary.get().toString(), "--version"), Map.of(),
        Duration.ofSeconds(10));
    return result.stdout().lines().findFirst().orElse("unknown");
  }

  @Override
  public String describe(PoolerSettings settings) {
    return "userlist with the user's " + (scramSecret.isPresent() ? "SCRAM secret from pg_authid" : "plain password")
        + "; `" + String.join("`, `", settingsLines(settings, "<upstream>", 0).stream()
        .filter(line -> !line.startsWith("[") && !line.startsWith("listen") && !line.startsWith("auth_file")
            && !line.startsWith("bench ="))
        .toList()) + "`";
  }

  @Override
  public Target start(PoolerSettings settings, Endpoint upstream, Path workDir) {
    Path binaryPath = binary.orElseThrow(() -> new IllegalStateException(unavailableReason().orElseThrow()));
    int port = FreePorts.next();
    Path dir = workDir.resolve("pgbouncer-" + settings.mode().key() + "-" + port);
    Path ini = dir.resolve("pgbouncer.ini");
    try {
      Files.createDirectories(dir);
      // With the SCRAM secret PgBouncer verifies a client's proof with two HMACs and logs in upstream by
      // passing the client's key through; with a plain password it would derive the key (4096 PBKDF2
      // rounds) at every login. The secret is what a production userlist holds.
      String secret = scramSecret.orElse(upstream.password());
      Files.writeString(dir.resolve("userlist.txt"), "\"" + upstream.user() + "\" \"" + secret + "\"\n");
      List<String> lines = settingsLines(settings, upstream.host() + " port=" + upstream.port() + " dbname="
          + upstream.database(), port);
      Files.write(ini, lines.stream().map(line -> line.replace("@DIR@", dir.toString())).toList());
      ServerUser.current().own(dir); // PgBouncer, like PostgreSQL, refuses to run as root
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the PgBouncer configuration in " + dir, e);
    }
    Endpoint endpoint = upstream.at("127.0.0.1", port);
    List<String> command = ServerUser.current().wrap(List.of(binaryPath.toString(), ini.toString()));
    ManagedProcess process = ManagedProcess.start(NAME, command, Map.of(), dir.resolve("pgbouncer.log"),
        Duration.ofSeconds(30), () -> Probe.answers(endpoint));
    return new PoolerProcess(NAME, endpoint, process);
  }

  private static List<String> settingsLines(PoolerSettings settings, String upstream, int port) {
    return List.of(
        "[databases]",
        "bench = host=" + upstream,
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        "listen_port = " + port,
        "unix_socket_dir =",
        "auth_type = scram-sha-256",
        "auth_file = @DIR@/userlist.txt",
        "pool_mode = " + settings.mode().key(),
        "default_pool_size = " + settings.poolSize(),
        "min_pool_size = " + settings.minPoolSize(),
        "reserve_pool_size = 0",
        "max_client_conn = " + settings.maxClientConn(),
        "server_reset_query = DISCARD ALL",
        "server_tls_sslmode = disable",
        "client_tls_sslmode = disable",
        "ignore_startup_parameters = extra_float_digits",
        "log_connections = 0",
        "log_disconnections = 0",
        "log_pooler_errors = 1");
  }

  private static Optional<Path> findBinary() {
    for (String candidate : List.of("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return Optional.of(Path.of(candidate));
      }
    }
    return Optional.empty();
  }
}
