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
    Limits limits,
    Duration clientLoginTimeout,
    Duration shutdownTimeout,
    Duration shutdownGrace,
    LogFormat logFormat,
    boolean logConnections,
    int replicaId,
    FleetSettings fleet,
    Cancel cancel,
    CacheSettings cache,
    Optional<Path> configFile) {

  /**
   * Client cancels: the budget of cancels that match no session, per source address (refilled at
   * {@code failuresPerSecond} up to {@code failureBurst}), and how often their summary is logged.
   */
  public record Cancel(double failuresPerSecond, int failureBurst, Duration logInterval) {
    public static final Cancel DEFAULTS = new Cancel(10, 100, Duration.ofSeconds(60));
  }

  /** Where the proxy connects and how. */
  public record Upstream(DatabaseUrl url, SslMode sslMode, Optional<Path> sslRootCert, Duration connectTimeout) {}

  /** The proxy's own certificate and key (PEM). */
  public record ClientTls(Path certFile, Path keyFile) {}

  /** A user that may log in to the proxy. */
  /**
   * A user that may log in to the proxy: its password (empty for a trust-only user), and, as a
   * pg_hba.conf line, its own login method and the client addresses it may come from.
   */
  public record ClientUser(String name, String password, Optional<ClientAuthMethod> method,
                           Optional<ClientNetwork> address) {
    public ClientUser(String name, String password) {
      this(name, password, Optional.empty(), Optional.empty());
    }

    @Override
    public String toString() {
      return "ClientUser[" + name + method.map(m -> ", " + m.text()).orElse("")
          + address.map(a -> ", " + a).orElse("") + "]";
    }
  }

  /**
   * What one client may make the proxy hold (docs/configuration.md, Limits): the largest message it
   * may send once logged in, and its named prepared statements in transaction mode.
   */
  public record Limits(int maxMessageSize, int maxPreparedStatements) {
    /** Large enough for real work (a 50 MB bytea in one Bind), well below PostgreSQL's 1 GB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;
    /** As many as Rails' statement cache keeps (1000); pgjdbc and pgx keep fewer. */
    public static final int DEFAULT_MAX_PREPARED_STATEMENTS = 1000;
    public static final Limits DEFAULT = new Limits(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_PREPARED_STATEMENTS);
  }

  /** Pool settings: mode, sizes, waits and timers of every pool (docs/pooling.md). */
  public record PoolSettings(PoolMode mode, int size, int minSize, int maxClientConn, Duration queryWaitTimeout,
                             Duration serverIdleTimeout, Duration serverLifetime, Duration serverIdleCheck,
                             String serverResetQuery, int maxPools, Duration poolIdleTimeout,
                             int maxLoginsInProgress, int adminConnections) {}
}
