package org.postgresml.proxy.config.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every setting of the proxy, once: its YAML key, flag, environment variable, default, whether a
 * reload applies it, and one line of help. The CLI help, the YAML reader's defaults, {@code SHOW
 * CONFIG} and docs/configuration.md's table all come from here (tests check the rest agrees).
 *
 * <p>Defaults are written as a user would write them (durations {@code 30s}, sizes {@code 64MB}) and
 * parsed by the same code that parses the user's values. A new setting is one constant here, its
 * field in the YAML model, and its value in the proxy's {@code SettingValues} (the compiler asks).
 */
public enum Setting {

  CONFIG(null, "--config FILE", "PGML_PROXY_CONFIG", Kind.TEXT, null, "none", Apply.ON_RESTART,
      "YAML configuration file"),
  UPSTREAM_URL("upstream.url", "--database-url URL", "DATABASE_URL", Kind.TEXT, null, "required", Apply.ON_RELOAD,
      "Upstream postgres://user:password@host:port/db?sslmode=…; clients log in with the same user and password"
          + " unless clientAuth.users lists users"),
  LISTEN_HOST("listen.host", "--listen-host HOST", null, Kind.TEXT, ConfigWords.ALL_ADDRESSES, null,
      Apply.ON_RESTART, "Address to listen on"),
  LISTEN_PORT("listen.port", "--port N", null, Kind.NUMBER, "6432", null, Apply.ON_RESTART,
      "PostgreSQL protocol port; 0 = any free port"),
  LISTEN_WARM_UP_LOGINS("listen.warmUpLogins", "--warm-up-logins N", null, Kind.NUMBER, "1000", null,
      Apply.ON_RESTART, "Logins the proxy makes to itself over loopback before it listens, so that the first clients"
          + " find the login path compiled (the JIT) rather than pay for it; 0 turns the warm-up off"),
  HTTP_PORT("http.port", "--http-port N", null, Kind.NUMBER, "9930", null, Apply.ON_RESTART,
      "HTTP port for /livez, /readyz, /metrics; 0 turns it off"),
  TLS_CERT_FILE("tls.certFile", "--tls-cert FILE", null, Kind.TEXT, null, "none (no client TLS)", Apply.ON_RESTART,
      "PEM certificate presented to clients"),
  TLS_KEY_FILE("tls.keyFile", "--tls-key FILE", null, Kind.TEXT, null, "none", Apply.ON_RESTART,
      "PEM (PKCS#8) private key of the certificate"),
  TLS_REQUIRED("tls.required", "--tls-required", null, Kind.FLAG, "false", null, Apply.ON_RESTART,
      "Refuse clients that do not ask for TLS"),
  UPSTREAM_SSL_MODE("upstream.sslMode", "--upstream-sslmode MODE", null, Kind.TEXT, "prefer",
      "the URL's `sslmode`, else `prefer`", Apply.ON_RELOAD, "disable, prefer, require, verify-ca or verify-full"),
  UPSTREAM_SSL_ROOT_CERT("upstream.sslRootCert", "--upstream-sslrootcert FILE", null, Kind.TEXT, null,
      "the URL's `sslrootcert`", Apply.ON_RELOAD, "CA certificate(s) that sign the upstream's certificate"),
  UPSTREAM_CONNECT_TIMEOUT("upstream.connectTimeout", null, null, Kind.DURATION, "10s", null, Apply.ON_RELOAD,
      "A client waiting for a server connection gets the connect error once connecting failed this long"),
  CLIENT_AUTH_METHOD("clientAuth.method", "--client-auth METHOD", null, Kind.TEXT, ConfigWords.SCRAM_SHA_256, null,
      Apply.ON_RELOAD, "scram-sha-256, md5 or trust"),
  CLIENT_AUTH_ALLOW_TRUST_ON_NETWORK("clientAuth.allowTrustOnNetwork", "--allow-trust-on-network", null, Kind.FLAG,
      "false", null, Apply.ON_RESTART, "Let trust listen on a non-loopback address (anyone who reaches the port"
          + " logs in as any configured user without a password)"),
  CLIENT_AUTH_USERS("clientAuth.users", null, null, Kind.LIST, null, "the URL's user and password", Apply.ON_RELOAD,
      "Client logins: name, password or passwordFile, and optionally method and address"),
  ADMIN_USERS("adminUsers", null, null, Kind.LIST, null, "the client users", Apply.ON_RELOAD,
      "Users that may log in to the admin console (database pgml_proxy)"),
  POOL_MODE("pool.mode", "--pool-mode MODE", null, Kind.TEXT, "session", null, Apply.ON_RELOAD,
      "session or transaction (for new sessions)"),
  POOL_SESSION_SERVER_AT("pool.sessionServerAt", "--session-server-at WHEN", null, Kind.TEXT, "first-message", null,
      Apply.ON_RELOAD, "When a session-mode client takes its server connection: first-message (as PgBouncer and"
          + " PgCat: the login is answered from the pool's cached server parameters and BackendKeyData carries a pid"
          + " of the proxy's own) or login (every login waits for a connection and the client gets the backend's"
          + " real pid)"),
  POOL_SIZE("pool.size", "--pool-size N", null, Kind.NUMBER, "20", null, Apply.ON_RELOAD,
      "Server connections per pool"),
  POOL_MIN_SIZE("pool.minSize", "--min-pool-size N", null, Kind.NUMBER, "0", "`0` (`2` is a good production value)",
      Apply.ON_RELOAD, "Warm server connections kept open"),
  POOL_MAX_CLIENT_CONN("pool.maxClientConn", "--max-client-conn N", null, Kind.NUMBER, "1000", null, Apply.ON_RELOAD,
      "Logged-in client connections, the admin console's aside"),
  POOL_MAX_LOGINS_IN_PROGRESS("pool.maxLoginsInProgress", "--max-logins-in-progress N", null, Kind.NUMBER, "1000",
      null, Apply.ON_RELOAD, "Connections that have not logged in yet, at once; past it the one waiting longest is"
          + " dropped"),
  POOL_ADMIN_CONNECTIONS("pool.adminConnections", "--admin-connections N", null, Kind.NUMBER, "5", null,
      Apply.ON_RELOAD, "Admin console connections, on top of pool.maxClientConn"),
  POOL_QUERY_WAIT_TIMEOUT("pool.queryWaitTimeout", null, null, Kind.DURATION, "30s", null, Apply.ON_RELOAD,
      "How long a client waits for a server connection before it gets 53300"),
  POOL_SERVER_IDLE_TIMEOUT("pool.serverIdleTimeout", null, null, Kind.DURATION, "10m", null, Apply.ON_RELOAD,
      "An idle server connection above pool.minSize is closed after this long"),
  POOL_SERVER_LIFETIME("pool.serverLifetime", null, null, Kind.DURATION, "1h", null, Apply.ON_RELOAD,
      "A server connection this old is closed when released (spread by a tenth at random)"),
  POOL_SERVER_IDLE_CHECK("pool.serverIdleCheck", null, null, Kind.DURATION, "30s", null, Apply.ON_RELOAD,
      "A server connection idle longer than this is health-checked before reuse"),
  POOL_SERVER_RESET_QUERY("pool.serverResetQuery", null, null, Kind.TEXT, ConfigWords.DISCARD_ALL, null,
      Apply.ON_RELOAD, "Run on a server connection a session-mode client gave back"),
  POOL_MAX_POOLS("pool.maxPools", "--max-pools N", null, Kind.NUMBER, "100", null, Apply.ON_RELOAD,
      "Pools (one per user and database clients ask for) open at once; past it a login gets 53300"),
  POOL_IDLE_TIMEOUT("pool.poolIdleTimeout", "--pool-idle-timeout DURATION", null, Kind.DURATION, "10m", null,
      Apply.ON_RELOAD, "A pool no client used for this long is removed, with its meters; the URL's own pool stays"),
  /** Large enough for real work (a 50 MB bytea in one Bind), well below PostgreSQL's 1 GB. */
  LIMITS_MAX_MESSAGE_SIZE("limits.maxMessageSize", "--max-message-size SIZE", null, Kind.SIZE, "64MB", null,
      Apply.ON_RELOAD, "Largest message a logged-in client may send (64kB to 1GB); a longer one ends its session"
          + " with 54000 before it is read"),
  /** As many as Rails' statement cache keeps; pgjdbc and pgx keep fewer. */
  LIMITS_MAX_PREPARED_STATEMENTS("limits.maxPreparedStatements", "--max-prepared-statements N", null, Kind.NUMBER,
      "1000", null, Apply.ON_RELOAD, "Named prepared statements one client may hold in transaction mode"),
  TIMEOUTS_CLIENT_LOGIN("timeouts.clientLogin", null, null, Kind.DURATION, "15s", null, Apply.ON_RELOAD,
      "A client that has not logged in after this long is closed"),
  /** Longer than a Service's or a load balancer's endpoint update usually takes (kube-proxy: a second or two). */
  TIMEOUTS_SHUTDOWN_GRACE("timeouts.shutdownGrace", "--shutdown-grace DURATION", null, Kind.DURATION, "5s", null,
      Apply.ON_RELOAD, "On SIGTERM or SHUTDOWN, /readyz turns 503 at once but new clients are still served this"
          + " long, while the load balancer stops sending them; then the drain begins"),
  TIMEOUTS_SHUTDOWN("timeouts.shutdown", null, null, Kind.DURATION, "30s", null, Apply.ON_RELOAD,
      "Then sessions still inside a transaction get this long before they end with 57P01"),
  LOG_FORMAT("log.format", "--log-format FORMAT", "PGML_PROXY_LOG_FORMAT", Kind.TEXT, "text", null, Apply.ON_RESTART,
      "text or json"),
  LOG_CONNECTIONS("log.connections", "--log-connections BOOL", null, Kind.FLAG, "true", null, Apply.ON_RELOAD,
      "Log each client's session start and disconnect at INFO, as PgBouncer's log_connections and"
          + " log_disconnections"),
  CANCEL_FAILURES_PER_SECOND("cancel.failuresPerSecond", null, null, Kind.NUMBER, "10", null, Apply.ON_RELOAD,
      "Refill of each source address's budget of cancels that name no session; while spent, they are dropped"),
  CANCEL_FAILURE_BURST("cancel.failureBurst", null, null, Kind.NUMBER, "100", null, Apply.ON_RELOAD,
      "Size of that budget"),
  CANCEL_LOG_INTERVAL("cancel.logInterval", null, null, Kind.DURATION, "60s", null, Apply.ON_RELOAD,
      "One summary line of unmatched cancels per interval, never a line per cancel"),
  FLEET_REPLICA_ID("fleet.replicaId", "--replica-id N", "PGML_PROXY_REPLICA_ID", Kind.NUMBER, null,
      "derived from the host name", Apply.ON_RESTART, "This replica's number in a fleet, 0-255"),
  FLEET_PEERS("fleet.peers", "--fleet-peers HOST:PORT", null, Kind.LIST, null, "none", Apply.ON_RESTART,
      "Other replicas that may hold a session a cancel names, comma-separated"),
  FLEET_PEERS_DNS("fleet.peersDns", "--fleet-peers-dns NAME", "PGML_PROXY_FLEET_PEERS_DNS", Kind.TEXT, null, "none",
      Apply.ON_RESTART, "DNS name whose addresses are the replicas, e.g. a headless Service; asked at each"
          + " forwarded cancel"),
  FLEET_PEER_SECRET_FILE("fleet.peerSecretFile", "--fleet-secret-file FILE", "PGML_PROXY_FLEET_SECRET_FILE",
      Kind.TEXT, null, "none (no fleet)", Apply.ON_RESTART,
      "File holding the secret (16+ bytes) every replica shares to sign forwarded cancels"),
  CACHE_FUNCTIONS("cache.functions", null, null, Kind.LIST, null, "none (the cache is off)", Apply.ON_RELOAD,
      "Functions whose calls the answer cache may serve (docs/cache.md): name (schema.function, lower case) and"
          + " public (true: one answer for every user of a database)"),
  CACHE_MAX_SIZE("cache.maxSize", null, null, Kind.SIZE, "256MB", null, Apply.ON_RELOAD,
      "Byte budget of the cached answers, keys included (1MB to 64GB)"),
  CACHE_TTL("cache.ttl", null, null, Kind.DURATION, "1h", null, Apply.ON_RELOAD,
      "How long a cached answer is served"),
  CACHE_GENERATION("cache.generation", null, null, Kind.NUMBER, "0", null, Apply.ON_RELOAD,
      "Any 64-bit number; a change empties the cache (bump it after a model upgrade)");

  /** How a value is written, so that its default can be parsed and shown like the value itself. */
  public enum Kind {
    TEXT, NUMBER, FLAG, DURATION, SIZE, LIST
  }

  /** Whether a reload (SIGHUP, a changed file, RELOAD) applies a new value, or only a restart does. */
  public enum Apply {
    ON_RELOAD, ON_RESTART
  }

  private final String key;
  private final String flag;
  private final String paramLabel;
  private final String env;
  private final Kind kind;
  private final String defaultValue;
  private final String defaultNote;
  private final Apply apply;
  private final String help;

  /**
   * @param key the YAML key, dotted ({@code pool.size}); null for the one setting that is no key ({@code --config})
   * @param flag the command-line flag with its value's label ({@code --pool-size N}); null when there is none
   * @param defaultValue as a user writes it; null when there is none (the setting is derived or optional)
   * @param defaultNote what docs say about the default when the value alone would not tell it
   */
  Setting(String key, String flag, String env, Kind kind, String defaultValue, String defaultNote, Apply apply,
      String help) {
    this.key = key;
    this.flag = flag == null ? null : flag.split(" ", 2)[0];
    this.paramLabel = flag == null || !flag.contains(" ") ? null : flag.split(" ", 2)[1];
    this.env = env;
    this.kind = kind;
    this.defaultValue = defaultValue;
    this.defaultNote = defaultNote;
    this.apply = apply;
    this.help = help;
  }

  /** The YAML key, dotted; empty only for {@link #CONFIG}. */
  public Optional<String> key() {
    return Optional.ofNullable(key);
  }

  /** The YAML key; for settings that have one (every one but {@link #CONFIG}). */
  public String yamlKey() {
    if (key == null) {
      throw new IllegalStateException(name() + " has no YAML key");
    }
    return key;
  }

  public Optional<String> flag() {
    return Optional.ofNullable(flag);
  }

  /** The flag's value label ({@code N}, {@code FILE}); empty for a flag without a value. */
  public Optional<String> paramLabel() {
    return Optional.ofNullable(paramLabel);
  }

  public Optional<String> env() {
    return Optional.ofNullable(env);
  }

  public Kind kind() {
    return kind;
  }

  /** The default as written in a file; empty when the setting has none (derived or optional). */
  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** The default, for a setting that always has one (a missing one is this table's bug). */
  public String defaultText() {
    if (defaultValue == null) {
      throw new IllegalStateException(name() + " has no default");
    }
    return defaultValue;
  }

  /** The default as docs and help describe it: the note where there is one, else the value, else "none". */
  public String defaultDescription() {
    if (defaultNote != null) {
      return defaultNote;
    }
    return defaultValue == null ? "none" : "`" + defaultValue + "`";
  }

  public boolean reloadable() {
    return apply == Apply.ON_RELOAD;
  }

  /** One line, no final full stop (help and docs add their own punctuation). */
  public String help() {
    return help;
  }

  /** The setting a flag sets ({@code --pool-size}), if any. */
  public static Optional<Setting> byFlag(String flag) {
    return Arrays.stream(values()).filter(setting -> flag.equals(setting.flag)).findFirst();
  }

  /** The setting of a YAML key ({@code pool.size}), if any. */
  public static Optional<Setting> byKey(String key) {
    return Arrays.stream(values()).filter(setting -> key.equals(setting.key)).findFirst();
  }
}
