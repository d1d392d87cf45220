package org.postgresml.proxy.config;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line of docs/configuration.md. Flags, their help and defaults come from the settings
 * table ({@link org.postgresml.proxy.config.model.Setting}, through {@link CliHelp}); CliOptionsTest
 * checks that every flag here is in the table and the other way round. Unset options stay null so
 * that the environment, the file and the defaults can fill them.
 */
@Command(name = "pgml-proxy", mixinStandardHelpOptions = true, versionProvider = ProxyVersion.class,
    sortOptions = false, resourceBundle = "org.postgresml.proxy.config.CliHelp",
    description = "PostgreSQL protocol proxy in front of PostgresML (drop-in for pgml-rds-proxy).")
public final class CliOptions {

  @Option(names = "--database-url", paramLabel = "URL")
  public String databaseUrl;

  @Option(names = "--config", paramLabel = "FILE")
  public Path config;

  @Option(names = "--listen-host", paramLabel = "HOST")
  public String listenHost;

  @Option(names = "--port", paramLabel = "N")
  public Integer port;

  @Option(names = "--warm-up-logins", paramLabel = "N")
  public Integer warmUpLogins;

  @Option(names = "--http-port", paramLabel = "N")
  public Integer httpPort;

  @Option(names = "--tls-cert", paramLabel = "FILE")
  public Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE")
  public Path tlsKey;

  @Option(names = "--tls-required")
  public Boolean tlsRequired;

  @Option(names = "--upstream-sslmode", paramLabel = "MODE")
  public String upstreamSslMode;

  @Option(names = "--upstream-sslrootcert", paramLabel = "FILE")
  public Path upstreamSslRootCert;

  @Option(names = "--client-auth", paramLabel = "METHOD")
  public String clientAuth;

  @Option(names = "--allow-trust-on-network")
  public Boolean allowTrustOnNetwork;

  @Option(names = "--pool-mode", paramLabel = "MODE")
  public String poolMode;

  @Option(names = "--session-server-at", paramLabel = "WHEN")
  public String sessionServerAt;

  @Option(names = "--pool-size", paramLabel = "N")
  public Integer poolSize;

  @Option(names = "--min-pool-size", paramLabel = "N")
  public Integer minPoolSize;

  @Option(names = "--max-client-conn", paramLabel = "N")
  public Integer maxClientConn;

  @Option(names = "--max-logins-in-progress", paramLabel = "N")
  public Integer maxLoginsInProgress;

  @Option(names = "--admin-connections", paramLabel = "N")
  public Integer adminConnections;

  @Option(names = "--max-pools", paramLabel = "N")
  public Integer maxPools;

  @Option(names = "--pool-idle-timeout", paramLabel = "DURATION")
  public String poolIdleTimeout;

  @Option(names = "--max-message-size", paramLabel = "SIZE")
  public String maxMessageSize;

  @Option(names = "--max-prepared-statements", paramLabel = "N")
  public Integer maxPreparedStatements;

  @Option(names = "--shutdown-grace", paramLabel = "DURATION")
  public String shutdownGrace;

  @Option(names = "--log-format", paramLabel = "FORMAT")
  public String logFormat;

  @Option(names = "--log-connections", paramLabel = "BOOL", arity = "1")
  public Boolean logConnections;

  @Option(names = "--replica-id", paramLabel = "N")
  public Integer replicaId;

  @Option(names = "--fleet-peers", paramLabel = "HOST:PORT", split = ",")
  public java.util.List<String> fleetPeers;

  @Option(names = "--fleet-peers-dns", paramLabel = "NAME")
  public String fleetPeersDns;

  @Option(names = "--fleet-secret-file", paramLabel = "FILE")
  public Path fleetSecretFile;
}
