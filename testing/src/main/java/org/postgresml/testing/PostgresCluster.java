package org.postgresml.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL cluster for tests: its own temp directory, a free loopback port,
 * password authentication over TCP (SCRAM-SHA-256 unless asked otherwise) and optional TLS with
 * a certificate from a test CA. It is always stopped and its directory removed: by
 * {@link #close()}, and by a JVM shutdown hook for clusters a failed test left behind.
 */
public final class PostgresCluster implements AutoCloseable {

  public static final String SUPERUSER = "postgres";
  public static final String LOOPBACK = "127.0.0.1";

  private static final Set<PostgresCluster> RUNNING = ConcurrentHashMap.newKeySet();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(RUNNING).forEach(PostgresCluster::close),
        "postgres-cluster-cleanup"));
  }

  private final PostgresBinaries binaries;
  private final ServerUser serverUser;
  private final Path root;
  private final Path dataDir;
  private final Path logFile;
  private final int port;
  private final String superuserPassword;
  private final AuthMethod auth;
  private final Optional<CertificateAuthority> tlsAuthority;
  private volatile Process server;

  private PostgresCluster(Builder builder) throws IOException {
    this.binaries = builder.binaries != null ? builder.binaries : PostgresBinaries.defaults();
    this.serverUser = ServerUser.current();
    this.root = Files.createTempDirectory("pgml-pg-");
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    this.dataDir = root.resolve("data");
    this.logFile = root.resolve("server.log");
    this.port = FreePorts.next();
    this.superuserPassword = randomPassword();
    this.auth = builder.auth;
    this.tlsAuthority = Optional.ofNullable(builder.tlsAuthority);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A cluster with the defaults: SCRAM-SHA-256, no TLS. */
  public static PostgresCluster start() {
    return builder().start();
  }

  private void initialize(Builder builder) throws IOException {
    Path passwordFile = root.resolve("superuser.pw");
    Files.writeString(passwordFile, superuserPassword);
    serverUser.own(root);
    run(List.of(binaries.program("initdb").toString(), "-D", dataDir.toString(), "-U", SUPERUSER,
        "--pwfile=" + passwordFile, "--auth=" + auth.hbaMethod(), "--encoding=UTF8", "--locale=C", "--no-sync"),
        Duration.ofMinutes(2), "initdb");
    Files.delete(passwordFile);

    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("listen_addresses", "'" + LOOPBACK + "'");
    settings.put("port", Integer.toString(port));
    settings.put("unix_socket_directories", "''");
    settings.put("max_connections", "300");
    settings.put("shared_buffers", "32MB");
    settings.put("fsync", "off");
    settings.put("synchronous_commit", "off");
    settings.put("full_page_writes", "off");
    settings.put("password_encryption", "'" + auth.passwordEncryption() + "'");
    settings.put("log_min_messages", "warning");
    if (tlsAuthority.isPresent()) {
      Path tlsDir = root.resolve("tls");
      CertificateAuthority.IssuedCertificate serverCert =
          tlsAuthority.get().issueServer(tlsDir, "server", "localhost", LOOPBACK);
      tlsAuthority.get().writeCertificate(tlsDir.resolve("ca.crt"));
      FileTrees.makeReadableByAll(tlsDir);
      Files.setPosixFilePermissions(serverCert.privateKeyFile(), PosixFilePermissions.fromString("rw-------"));
      serverUser.own(tlsDir);
      settings.put("ssl", "on");
      settings.put("ssl_cert_file", "'" + serverCert.certificateFile() + "'");
      settings.put("ssl_key_file", "'" + serverCert.privateKeyFile() + "'");
      settings.put("ssl_ca_file", "'" + tlsDir.resolve("ca.crt") + "'");
    }
    settings.putAll(builder.settings);
    StringBuilder conf = new StringBuilder("\n# written by the pgml-proxy test fixture\n");
    settings.forEach((key, value) -> conf.append(key).append(" = ").append(value).append('\n'));
    Files.writeString(dataDir.resolve("postgresql.conf"), conf, StandardOpenOption.APPEND);

    String hostType = builder.requireTls ? "hostssl" : "host";
    String hba = "# written by the pgml-proxy test fixture\n"
        + hostType + " all all 127.0.0.1/32 " + auth.hbaMethod() + "\n"
        + hostType + " all all ::1/128 " + auth.hbaMethod() + "\n"
        + hostType + " replication all 127.0.0.1/32 " + auth.hbaMethod() + "\n";
    Files.writeString(dataDir.resolve("pg_hba.conf"), hba);
  }

  /** Starts the server (again, after {@link #stop()}) on the same port and data. */
  public synchronized PostgresCluster startServer() {
    if (server != null && server.isAlive()) {
      return this;
    }
    try {
      ProcessBuilder process = new ProcessBuilder(serverUser.wrap(
          List.of(binaries.program("postgres").toString(), "-D", dataDir.toString())))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      // libpq inside the server (dblink, postgres_fdw) reads ~/.postgresql; keep it away from the caller's home.
      process.environment().put("HOME", root.toString());
      server = process.start();
      RUNNING.add(this);
      awaitAcceptingConnections();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start postgres in " + dataDir, e);
    }
  }

  private void awaitAcceptingConnections() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("postgres exited with " + server.exitValue() + " during start:\n" + logTail());
      }
      try (Connection ignored = connect()) {
        return;
      } catch (SQLException e) {
        last = e;
      }
      try {
        Thread.sleep(50); // polling a starting server: there is nothing to wait on instead
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for postgres", e);
      }
    }
    throw new IllegalStateException("postgres did not accept connections within " + START_TIMEOUT
        + " (last error: " + (last == null ? "none" : last.getMessage()) + "):\n" + logTail());
  }

  /** Fast shutdown: clients are disconnected, the data stays for {@link #startServer()}. */
  public synchronized void stop() {
    Process running = server;
    if (running == null) {
      return;
    }
    try {
      if (running.isAlive()) {
        // SIGINT is PostgreSQL's "fast" shutdown; SIGTERM ("smart") would wait for every client.
        new ProcessBuilder("kill", "-INT", Long.toString(running.pid())).start().waitFor(10, TimeUnit.SECONDS);
        if (!running.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (IOException e) {
      running.destroyForcibly();
    } catch (InterruptedException e) {
      running.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      server = null;
    }
  }

  /** Stops the server and removes its directory. Safe to call more than once. */
  @Override
  public synchronized void close() {
    stop();
    RUNNING.remove(this);
    try {
      FileTrees.deleteRecursively(root);
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove " + root, e);
    }
  }

  public boolean isRunning() {
    Process running = server;
    return running != null && running.isAlive();
  }

  public String host() {
    return LOOPBACK;
  }

  public int port() {
    return port;
  }

  /** The postmaster's process id, for tests that check it is gone. */
  public Optional<Long> serverPid() {
    Process running = server;
    return running == null ? Optional.empty() : Optional.of(running.pid());
  }

  public Path directory() {
    return root;
  }

  public PostgresBinaries binaries() {
    return binaries;
  }

  public String superuserPassword() {
    return superuserPassword;
  }

  /** The CA certificate that signed the server's certificate, when TLS is on. */
  public Optional<Path> caCertificateFile() {
    return tlsAuthority.map(ignored -> root.resolve("tls/ca.crt"));
  }

  public String jdbcUrl(String database) {
    String ssl = tlsAuthority.isPresent() ? "?sslmode=require" : "?sslmode=disable";
    return "jdbc:postgresql://" + LOOPBACK + ":" + port + "/" + database + ssl;
  }

  /** A superuser connection to the {@code postgres} database. */
  public Connection connect() throws SQLException {
    return connect("postgres", SUPERUSER, superuserPassword);
  }

  public Connection connect(String database, String user, String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    properties.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(jdbcUrl(database), properties);
  }

  /** Runs statements as the superuser in the given database. */
  public void execute(String database, String... statements) {
    try (Connection connection = connect(database, SUPERUSER, superuserPassword);
         Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on test cluster port " + port + ": " + e.getMessage(), e);
    }
  }

  public void createDatabase(String name) {
    execute("postgres", "CREATE DATABASE " + quoteIdentifier(name));
  }

  /** Creates a login role; its password is stored as {@code password_encryption} says. */
  public void createUser(String name, String password, String... attributes) {
    execute("postgres", "CREATE ROLE " + quoteIdentifier(name) + " LOGIN PASSWORD '" + password.replace("'", "''")
        + "' " + String.join(" ", attributes));
  }

  public void createExtensions(String database, String... extensions) {
    for (String extension : extensions) {
      execute(database, "CREATE EXTENSION IF NOT EXISTS " + quoteIdentifier(extension));
    }
  }

  /** Installs the {@link PgmlStandIn} schema, so PostgresML's example SQL runs against this cluster. */
  public void installPgmlStandIn(String database) {
    execute(database, PgmlStandIn.INSTALL_SQL, "GRANT USAGE ON SCHEMA pgml TO PUBLIC");
  }

  /** The last lines of the server log, for error messages. */
  public String logTail() {
    try {
      if (!Files.exists(logFile)) {
        return "(no server log)";
      }
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(server log unreadable: " + e.getMessage() + ")";
    }
  }

  private void run(List<String> command, Duration timeout, String what) throws IOException {
    Path output = root.resolve(what + ".log");
    Process process = new ProcessBuilder(serverUser.wrap(command)).redirectErrorStream(true)
        .redirectOutput(output.toFile()).directory(root.toFile()).start();
    try {
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(what + " did not finish within " + timeout);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + what, e);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(what + " failed with exit code " + process.exitValue() + ":\n"
          + Files.readString(output));
    }
  }

  static String quoteIdentifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private static String randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Options of a cluster; {@link #start()} creates, starts and returns it. */
  public static final class Builder {
    private PostgresBinaries binaries;
    private AuthMethod auth = AuthMethod.SCRAM_SHA_256;
    private CertificateAuthority tlsAuthority;
    private boolean requireTls;
    private final Map<String, String> settings = new LinkedHashMap<>();

    private Builder() {}

    public Builder binaries(PostgresBinaries binaries) {
      this.binaries = binaries;
      return this;
    }

    public Builder auth(AuthMethod auth) {
      this.auth = auth;
      return this;
    }

    /** Turns TLS on with a server certificate (localhost, 127.0.0.1) issued by the given CA. */
    public Builder tls(CertificateAuthority authority) {
      this.tlsAuthority = authority;
      return this;
    }

    /** Accepts TCP clients only over TLS ({@code hostssl} in pg_hba.conf). */
    public Builder requireTls(boolean required) {
      this.requireTls = required;
      return this;
    }

    /** Any postgresql.conf setting; the value is written as given (quote strings yourself). */
    public Builder setting(String name, String value) {
      settings.put(name, value);
      return this;
    }

    public PostgresCluster start() {
      if (requireTls && tlsAuthority == null) {
        throw new IllegalArgumentException("requireTls needs tls(authority)");
      }
      PostgresCluster cluster;
      try {
        cluster = new PostgresCluster(this);
      } catch (IOException e) {
        throw new UncheckedIOException("could not create a test cluster directory", e);
      }
      try {
        cluster.initialize(this);
        return cluster.startServer();
      } catch (IOException | RuntimeException e) {
        cluster.close();
        if (e instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new UncheckedIOException((IOException) e);
      }
    }
  }
}
