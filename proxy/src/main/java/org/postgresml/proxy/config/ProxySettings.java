package org.postgresml.proxy.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The resolved configuration the proxy runs with: flags over environment over file over defaults. */
public record ProxySettings(
    String listenHost,
    int port,
    int httpPort,
    Upstream upstream,
    Optional<ClientTls> clientTls,
    boolean tlsRequired,
    ClientAuthMethod clientAuthMethod,
    boolean allowTrustOnNetwork,
    List<ClientUser> clientUsers,
    List<String> adminUsers,
    PoolSettings pool,
    Duration clientLoginTimeout,
    Duration shutdownTimeout,
    LogFormat logFormat,
    boolean logConnections,
    int replicaId,
    FleetSettings fleet,
    Optional<Path> configFile) {

  /** Where the proxy connects and how. */
  public record Upstream(DatabaseUrl url, SslMode sslMode, Optional<Path> sslRootCert, Duration connectTimeout) {}

  /** The proxy's own certificate and key (PEM). */
  public record ClientTls(Path certFile, Path keyFile) {}

  /** A user that may log in to the proxy. */
  public record ClientUser(String name, String password) {
    @Override
    public String toString() {
      return "ClientUser[" + name + "]";
    }
  }

  /** Pool settings: mode, sizes, waits and timers of every pool (docs/pooling.md). */
  public record PoolSettings(PoolMode mode, int size, int minSize, int maxClientConn, Duration queryWaitTimeout,
                             Duration serverIdleTimeout, Duration serverLifetime, Duration serverIdleCheck,
                             String serverResetQuery) {}
}
