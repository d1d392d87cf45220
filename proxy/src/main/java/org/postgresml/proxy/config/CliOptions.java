package org.postgresml.proxy.config;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line of docs/configuration.md. Unset options stay null so that the environment, the
 * file and the defaults can fill them; defaults are therefore written in the descriptions, never
 * shown from values (a URL default would print its password).
 */
@Command(name = "pgml-proxy", mixinStandardHelpOptions = true, versionProvider = ProxyVersion.class,
    sortOptions = false,
    description = "PostgreSQL protocol proxy in front of PostgresML (drop-in for pgml-rds-proxy).",
    footer = {"", "Environment: DATABASE_URL, PGML_PROXY_CONFIG, PGML_PROXY_LOG_FORMAT, PGML_PROXY_REPLICA_ID,",
        "PGML_PROXY_FLEET_PEERS_DNS, PGML_PROXY_FLEET_SECRET_FILE.",
        "Flags win over the environment, which wins over the --config file."})
public final class CliOptions {

  @Option(names = "--database-url", paramLabel = "URL",
      description = "Upstream postgres://user:password@host:port/db?sslmode=…; clients log in with the same"
          + " user and password unless the config file lists users (env DATABASE_URL).")
  public String databaseUrl;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (env PGML_PROXY_CONFIG).")
  public Path config;

  @Option(names = "--listen-host", paramLabel = "HOST", description = "Address to listen on (default 0.0.0.0).")
  public String listenHost;

  @Option(names = "--port", paramLabel = "N", description = "PostgreSQL protocol port (default 6432).")
  public Integer port;

  @Option(names = "--http-port", paramLabel = "N",
      description = "HTTP port for /livez, /readyz, /metrics; 0 turns it off (default 9930).")
  public Integer httpPort;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate presented to clients.")
  public Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM (PKCS#8) private key of --tls-cert.")
  public Path tlsKey;

  @Option(names = "--tls-required", description = "Refuse clients that do not ask for TLS.")
  public Boolean tlsRequired;

  @Option(names = "--upstream-sslmode", paramLabel = "MODE",
      description = "disable, prefer, require, verify-ca or verify-full (default: the URL's sslmode, else prefer).")
  public String upstreamSslMode;

  @Option(names = "--upstream-sslrootcert", paramLabel = "FILE",
      description = "CA certificate(s) that sign the upstream's certificate (default: the URL's sslrootcert).")
  public Path upstreamSslRootCert;

  @Option(names = "--client-auth", paramLabel = "METHOD",
      description = "scram-sha-256, md5 or trust (default scram-sha-256).")
  public String clientAuth;

  @Option(names = "--allow-trust-on-network",
      description = "Let --client-auth trust listen on a non-loopback address (anyone who reaches the port logs in"
          + " as any configured user without a password).")
  public Boolean allowTrustOnNetwork;

  @Option(names = "--pool-mode", paramLabel = "MODE", description = "session or transaction (default session).")
  public String poolMode;

  @Option(names = "--pool-size", paramLabel = "N", description = "Server connections per pool (default 20).")
  public Integer poolSize;

  @Option(names = "--min-pool-size", paramLabel = "N", description = "Warm server connections kept open (default 0).")
  public Integer minPoolSize;

  @Option(names = "--max-client-conn", paramLabel = "N", description = "Logged-in client connections, the admin console's aside (default 1000).")
  public Integer maxClientConn;

  @Option(names = "--max-logins-in-progress", paramLabel = "N",
      description = "Connections that have not logged in yet, at once; past it the one waiting longest is dropped"
          + " (default 1000).")
  public Integer maxLoginsInProgress;

  @Option(names = "--admin-connections", paramLabel = "N",
      description = "Admin console connections, on top of --max-client-conn (default 5).")
  public Integer adminConnections;

  @Option(names = "--max-pools", paramLabel = "N",
      description = "Pools (one per user and database clients ask for) open at once (default 100).")
  public Integer maxPools;

  @Option(names = "--pool-idle-timeout", paramLabel = "DURATION",
      description = "A pool no client used for this long is removed, with its meters; the URL's own pool stays"
          + " (default 10m).")
  public String poolIdleTimeout;

  @Option(names = "--max-message-size", paramLabel = "SIZE",
      description = "Largest message a logged-in client may send, e.g. 64MB; a longer one ends its session with"
          + " 54000 before it is read (default 64MB, at most 1GB).")
  public String maxMessageSize;

  @Option(names = "--max-prepared-statements", paramLabel = "N",
      description = "Named prepared statements one client may hold in transaction mode (default 1000).")
  public Integer maxPreparedStatements;

  @Option(names = "--shutdown-grace", paramLabel = "DURATION",
      description = "On SIGTERM or SHUTDOWN, /readyz turns 503 at once but new clients are still served this long,"
          + " while the load balancer stops sending them; then the drain begins (default 5s).")
  public String shutdownGrace;

  @Option(names = "--log-format", paramLabel = "FORMAT",
      description = "text or json (default text; env PGML_PROXY_LOG_FORMAT).")
  public String logFormat;

  @Option(names = "--log-connections", paramLabel = "BOOL", arity = "1",
      description = "Log each client's session start and disconnect at INFO, as PgBouncer's log_connections and"
          + " log_disconnections (default true).")
  public Boolean logConnections;

  @Option(names = "--replica-id", paramLabel = "N",
      description = "This replica's number in a fleet, 0-255 (default: derived from the host name;"
          + " env PGML_PROXY_REPLICA_ID).")
  public Integer replicaId;

  @Option(names = "--fleet-peers", paramLabel = "HOST:PORT", split = ",",
      description = "Other replicas that may hold a session a cancel names (comma-separated).")
  public java.util.List<String> fleetPeers;

  @Option(names = "--fleet-peers-dns", paramLabel = "NAME",
      description = "DNS name whose addresses are the replicas, e.g. a headless Service; asked at each forwarded"
          + " cancel (env PGML_PROXY_FLEET_PEERS_DNS).")
  public String fleetPeersDns;

  @Option(names = "--fleet-secret-file", paramLabel = "FILE",
      description = "File holding the secret (16+ bytes) every replica shares to sign forwarded cancels"
          + " (env PGML_PROXY_FLEET_SECRET_FILE).")
  public Path fleetSecretFile;
}
