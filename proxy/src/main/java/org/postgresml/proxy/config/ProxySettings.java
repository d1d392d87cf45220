package org.postgresml.proxy.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.postgresml.proxy.config.model.Setting;

/** The resolved configuration the proxy runs with: flags over environment over file over defaults. */
public record ProxySettings(
    String listenHost,
    int port,
    int warmUpLogins,
    int httpPort,
    Upstream upstream,
    Optional<ClientTls> clientTls,
    boolean tlsRequired,
    ClientAuthMethod clientAuthMethod,
    boolean allowTrustOnNetwork,
    List<ClientUser> clientUsers,
    List<String> adminUsers,
    Pooling pool,
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

  /** These settings with no INFO line per session (for the proxy's own warm-up logins). */
  public ProxySettings withoutConnectionLog() {
    return new ProxySettings(listenHost, port, warmUpLogins, httpPort, upstream, clientTls, tlsRequired,
        clientAuthMethod, allowTrustOnNetwork, clientUsers, adminUsers, pool, limits, clientLoginTimeout,
        shutdownTimeout, shutdownGrace, logFormat, false, replicaId, fleet, cancel, cache, configFile);
  }

  /**
   * Client cancels: the budget of cancels that match no session, per source address (refilled at
   * {@code failuresPerSecond} up to {@code failureBurst}), and how often their summary is logged.
   */
  public record Cancel(double failuresPerSecond, int failureBurst, Duration logInterval) {
    /** The settings table's defaults, for code that runs without resolved settings (tests, tools). */
    public static final Cancel DEFAULTS = new Cancel(
        Double.parseDouble(Setting.CANCEL_FAILURES_PER_SECOND.defaultText()),
        Integer.parseInt(Setting.CANCEL_FAILURE_BURST.defaultText()),
        DurationText.parse(Setting.CANCEL_LOG_INTERVAL.yamlKey(), Setting.CANCEL_LOG_INTERVAL.defaultText()));
  }

  /** Where the proxy connects and how. */
  public record Upstream(DatabaseUrl url, SslMode sslMode, Optional<Path> sslRootCert, Duration connectTimeout) {}

  /** The proxy's own certificate and key (PEM). */
  public record ClientTls(Path certFile, Path keyFile) {}

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
  public record Limits(int maxMessageSize, int maxPreparedStatements) {}

  /**
   * The {@code pool:} section: each pool's sizes and timers ({@link PoolSettings}, the pool's own
   * record), how many pools there may be ({@link PoolLimits}), and what sessions do with them.
   *
   * @param serverResetQuery run before a session-mode connection serves its next client
   * @param maxClientConn logged-in clients at once, the admin console's aside
   * @param maxLoginsInProgress connections not logged in yet, at once
   * @param adminConnections admin console connections, on top of {@code maxClientConn}
   * @param sessionServerAt when a session-mode client takes its server connection
   */
  public record Pooling(PoolMode mode, PoolSettings perPool, PoolLimits limits, int maxClientConn,
                        String serverResetQuery, int maxLoginsInProgress, int adminConnections,
                        SessionServerAt sessionServerAt) {}
}
