package org.postgresml.proxy.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.postgresml.proxy.config.model.ConfigFile;
import org.postgresml.proxy.config.model.Setting;

/**
 * Merges flags, environment, YAML file and defaults into {@link ProxySettings}, checking each value.
 * Every default and environment variable comes from the settings table ({@link Setting}).
 */
public final class SettingsResolver {

  public static final String ENV_DATABASE_URL = Setting.UPSTREAM_URL.env().orElseThrow();
  public static final String ENV_CONFIG = Setting.CONFIG.env().orElseThrow();
  public static final String ENV_LOG_FORMAT = Setting.LOG_FORMAT.env().orElseThrow();
  public static final String ENV_REPLICA_ID = Setting.FLEET_REPLICA_ID.env().orElseThrow();
  public static final String ENV_FLEET_PEERS_DNS = Setting.FLEET_PEERS_DNS.env().orElseThrow();
  public static final String ENV_FLEET_SECRET_FILE = Setting.FLEET_PEER_SECRET_FILE.env().orElseThrow();

  /**
   * Pools keep a connection's server lifetime within 10% below {@code pool.serverLifetime()}, so a fleet
   * spreads its reconnects; not a setting.
   */
  static final double LIFETIME_JITTER = 0.1;

  private final CliOptions cli;
  private final Map<String, String> env;

  public SettingsResolver(CliOptions cli, Map<String, String> env) {
    this.cli = cli;
    this.env = env;
  }

  public ProxySettings resolve() {
    Path configPath = first(cli.config, () -> Optional.ofNullable(env.get(ENV_CONFIG)).map(Path::of).orElse(null));
    ConfigFile read = configPath == null ? ConfigFile.EMPTY : ConfigFileReader.read(configPath);
    ConfigFile file = read.withEmptySections();

    String urlText = first(cli.databaseUrl, () -> first(env.get(ENV_DATABASE_URL), () -> file.upstream().url()));
    if (urlText == null) {
      throw new ConfigException("no upstream: give --database-url, DATABASE_URL or upstream.url in --config");
    }
    DatabaseUrl url = DatabaseUrl.parse(urlText);
    SslMode sslMode = SslMode.parse(first(cli.upstreamSslMode,
        () -> first(file.upstream().sslMode(), () -> url.parameter("sslmode").orElse(Setting.UPSTREAM_SSL_MODE.defaultText()))));
    Optional<Path> rootCert = Optional.ofNullable(first(cli.upstreamSslRootCert,
        () -> Optional.ofNullable(first(file.upstream().sslRootCert(), () -> url.parameter("sslrootcert").orElse(null)))
            .map(Path::of).orElse(null)));
    rootCert.ifPresent(path -> requireReadable("upstream sslrootcert", path));
    if (sslMode.verifiesCertificate() && rootCert.isEmpty()) {
      throw new ConfigException("upstream sslmode " + sslMode.text() + " needs a root CA: --upstream-sslrootcert FILE");
    }
    ProxySettings.Upstream upstream = new ProxySettings.Upstream(url, sslMode, rootCert,
        duration(Setting.UPSTREAM_CONNECT_TIMEOUT, file.upstream().connectTimeout()));

    Path certFile = first(cli.tlsCert, () -> path(file.tls().certFile()));
    Path keyFile = first(cli.tlsKey, () -> path(file.tls().keyFile()));
    if ((certFile == null) != (keyFile == null)) {
      throw new ConfigException("client TLS needs both --tls-cert and --tls-key");
    }
    Optional<ProxySettings.ClientTls> clientTls = Optional.empty();
    if (certFile != null) {
      requireReadable("tls certificate", certFile);
      requireReadable("tls key", keyFile);
      clientTls = Optional.of(new ProxySettings.ClientTls(certFile, keyFile));
    }
    boolean tlsRequired = first(cli.tlsRequired, () -> first(file.tls().required(), () -> bool(Setting.TLS_REQUIRED)));
    if (tlsRequired && clientTls.isEmpty()) {
      throw new ConfigException("--tls-required needs --tls-cert and --tls-key");
    }

    ClientAuthMethod clientAuth = ClientAuthMethod.parse(first(cli.clientAuth,
        () -> first(file.clientAuth().method(), Setting.CLIENT_AUTH_METHOD::defaultText)));
    List<ProxySettings.ClientUser> users = clientUsers(file, url, clientAuth);
    List<String> adminUsers = file.adminUsers() != null ? List.copyOf(file.adminUsers())
        : users.stream().map(ProxySettings.ClientUser::name).toList();

    String replicaText = env.get(ENV_REPLICA_ID);
    Integer replicaId = first(cli.replicaId, () -> first(replicaText == null ? null : integer(ENV_REPLICA_ID, replicaText),
        () -> first(file.fleet().replicaId(), SettingsResolver::replicaIdFromHostName)));
    if (replicaId < 0 || replicaId > 255) {
      throw new ConfigException("replica id must be between 0 and 255, not " + replicaId);
    }

    String listenHost = first(cli.listenHost, () -> first(file.listen().host(), Setting.LISTEN_HOST::defaultText));
    boolean trustOnNetwork = first(cli.allowTrustOnNetwork, () -> first(file.clientAuth().allowTrustOnNetwork(),
        () -> bool(Setting.CLIENT_AUTH_ALLOW_TRUST_ON_NETWORK)));
    if (clientAuth == ClientAuthMethod.TRUST && !trustOnNetwork && !isLoopback(listenHost)) {
      throw new ConfigException("--client-auth trust lets anyone who reaches " + listenHost + " log in without a"
          + " password: listen on a loopback address (--listen-host 127.0.0.1) or pass --allow-trust-on-network");
    }
    for (ProxySettings.ClientUser user : users) {
      // A trust entry limited to an address range is pg_hba.conf's deliberate choice; one open to all is not.
      if (user.method().orElse(clientAuth) == ClientAuthMethod.TRUST && user.address().isEmpty() && !trustOnNetwork
          && !isLoopback(listenHost) && clientAuth != ClientAuthMethod.TRUST) {
        throw new ConfigException("clientAuth.users." + user.name() + ": trust lets anyone who reaches " + listenHost
            + " log in as this user without a password: give it an address range, listen on a loopback address,"
            + " or set allowTrustOnNetwork");
      }
    }

    return new ProxySettings(
        listenHost,
        port("--port", first(cli.port, () -> first(file.listen().port(), () -> number(Setting.LISTEN_PORT))), true),
        atLeastZero("--warm-up-logins", first(cli.warmUpLogins, () -> first(file.listen().warmUpLogins(),
            () -> number(Setting.LISTEN_WARM_UP_LOGINS)))),
        port("--http-port", first(cli.httpPort, () -> first(file.http().port(), () -> number(Setting.HTTP_PORT))), true),
        upstream, clientTls, tlsRequired, clientAuth, trustOnNetwork,
        users, adminUsers, pool(file.pool(), upstream), limits(file.limits()),
        duration(Setting.TIMEOUTS_CLIENT_LOGIN, file.timeouts().clientLogin()),
        duration(Setting.TIMEOUTS_SHUTDOWN, file.timeouts().shutdown()),
        cli.shutdownGrace != null ? DurationText.parse("--shutdown-grace", cli.shutdownGrace)
            : duration(Setting.TIMEOUTS_SHUTDOWN_GRACE, file.timeouts().shutdownGrace()),
        LogFormat.parse(first(cli.logFormat, () -> first(env.get(ENV_LOG_FORMAT), () -> first(file.log().format(),
            Setting.LOG_FORMAT::defaultText)))),
        first(cli.logConnections, () -> first(file.log().connections(), () -> bool(Setting.LOG_CONNECTIONS))),
        replicaId, new FleetSettingsResolver(cli, env, file.fleet()).resolve(), cancel(file.cancel()),
        CacheSettingsResolver.resolve(read.cache()), Optional.ofNullable(configPath));
  }

  private ProxySettings.Pooling pool(ConfigFile.Pool pool, ProxySettings.Upstream upstream) {
    int size = positive("--pool-size", first(cli.poolSize, () -> first(pool.size(), () -> number(Setting.POOL_SIZE))));
    int minSize = first(cli.minPoolSize, () -> first(pool.minSize(), () -> number(Setting.POOL_MIN_SIZE)));
    if (minSize < 0 || minSize > size) {
      throw new ConfigException("--min-pool-size must be between 0 and the pool size " + size + ", not " + minSize);
    }
    PoolSettings perPool = new PoolSettings(size, minSize,
        duration(Setting.POOL_QUERY_WAIT_TIMEOUT, pool.queryWaitTimeout()),
        duration(Setting.POOL_SERVER_IDLE_TIMEOUT, pool.serverIdleTimeout()),
        duration(Setting.POOL_SERVER_LIFETIME, pool.serverLifetime()),
        LIFETIME_JITTER,
        duration(Setting.POOL_SERVER_IDLE_CHECK, pool.serverIdleCheck()),
        upstream.connectTimeout());
    PoolLimits limits = new PoolLimits(
        positive("--max-pools", first(cli.maxPools, () -> first(pool.maxPools(), () -> number(Setting.POOL_MAX_POOLS)))),
        first(cli.poolIdleTimeout == null ? null : DurationText.parse("--pool-idle-timeout", cli.poolIdleTimeout),
            () -> duration(Setting.POOL_IDLE_TIMEOUT, pool.poolIdleTimeout())));
    return new ProxySettings.Pooling(
        PoolMode.parse(first(cli.poolMode, () -> first(pool.mode(), Setting.POOL_MODE::defaultText))),
        perPool, limits,
        positive("--max-client-conn", first(cli.maxClientConn, () -> first(pool.maxClientConn(),
            () -> number(Setting.POOL_MAX_CLIENT_CONN)))),
        first(pool.serverResetQuery(), Setting.POOL_SERVER_RESET_QUERY::defaultText),
        positive("--max-logins-in-progress", first(cli.maxLoginsInProgress, () -> first(pool.maxLoginsInProgress(),
            () -> number(Setting.POOL_MAX_LOGINS_IN_PROGRESS)))),
        positive("--admin-connections", first(cli.adminConnections, () -> first(pool.adminConnections(),
            () -> number(Setting.POOL_ADMIN_CONNECTIONS)))),
        SessionServerAt.parse(first(cli.sessionServerAt, () -> first(pool.sessionServerAt(),
            Setting.POOL_SESSION_SERVER_AT::defaultText))));
  }

  private ProxySettings.Limits limits(ConfigFile.Limits limits) {
    String messageSize = first(cli.maxMessageSize, () -> first(limits.maxMessageSize(),
        Setting.LIMITS_MAX_MESSAGE_SIZE::defaultText));
    return new ProxySettings.Limits(
        // Below 64kB not even a login fits; 1GB stands for PostgreSQL's MaxAllocSize, one byte less.
        Math.min(ByteSizeText.parse("limits.maxMessageSize", messageSize, 64 * 1024, 1 << 30), 0x3fffffff),
        positive("--max-prepared-statements", first(cli.maxPreparedStatements,
            () -> first(limits.maxPreparedStatements(), () -> number(Setting.LIMITS_MAX_PREPARED_STATEMENTS)))));
  }

  private static ProxySettings.Cancel cancel(ConfigFile.Cancel cancel) {
    double rate = first(cancel.failuresPerSecond(),
        () -> Double.parseDouble(Setting.CANCEL_FAILURES_PER_SECOND.defaultText()));
    if (!(rate > 0)) {
      throw new ConfigException("cancel.failuresPerSecond must be above 0, not " + rate);
    }
    return new ProxySettings.Cancel(rate, positive("cancel.failureBurst", first(cancel.failureBurst(),
        () -> number(Setting.CANCEL_FAILURE_BURST))), duration(Setting.CANCEL_LOG_INTERVAL, cancel.logInterval()));
  }

  private static List<ProxySettings.ClientUser> clientUsers(ConfigFile file, DatabaseUrl url, ClientAuthMethod defaultMethod) {
    if (file.clientAuth().users() == null || file.clientAuth().users().isEmpty()) {
      if (url.password().isEmpty() && defaultMethod != ClientAuthMethod.TRUST) {
        throw new ConfigException("the database URL has no password, so clients cannot log in with "
            + defaultMethod.text() + " as its user " + url.user() + ": use --client-auth trust, or list users in"
            + " clientAuth.users");
      }
      return List.of(new ProxySettings.ClientUser(url.user(), url.password()));
    }
    List<ProxySettings.ClientUser> users = new ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (ConfigFile.User user : file.clientAuth().users()) {
      if (user.name() == null || user.name().isBlank()) {
        throw new ConfigException("clientAuth.users: a user without a name");
      }
      String key = "clientAuth.users." + user.name();
      if (!names.add(user.name())) {
        throw new ConfigException(key + ": listed twice (one entry per user)");
      }
      Optional<ClientAuthMethod> method = Optional.ofNullable(user.method())
          .map(text -> EnumText.parse(ClientAuthMethod.class, key + ".method", text));
      boolean trust = method.orElse(defaultMethod) == ClientAuthMethod.TRUST;
      if (user.password() != null && user.passwordFile() != null) {
        throw new ConfigException(key + ": give one of password, passwordFile, not both");
      }
      if (user.password() == null && user.passwordFile() == null && !trust) {
        throw new ConfigException(key + ": give one of password, passwordFile (or method: trust)");
      }
      String password = user.password() != null ? user.password()
          : user.passwordFile() != null ? SecretFile.read("password file", Path.of(user.passwordFile())) : "";
      if (password.isEmpty() && !trust) {
        throw new ConfigException(key + ": " + method.orElse(defaultMethod).text() + " needs a non-empty password");
      }
      Optional<ClientNetwork> address = Optional.ofNullable(user.address())
          .map(text -> ClientNetwork.parse(key + ".address", text));
      users.add(new ProxySettings.ClientUser(user.name(), password, method, address));
    }
    return List.copyOf(users);
  }

  private static void requireReadable(String what, Path path) {
    if (!Files.isReadable(path)) {
      throw new ConfigException(what + " " + path + " is not a readable file");
    }
  }

  /** The file's duration for this setting, else the table's default (both parsed alike). */
  private static Duration duration(Setting setting, String text) {
    return DurationText.parse(setting.yamlKey(), text != null ? text : setting.defaultText());
  }

  private static int number(Setting setting) {
    return Integer.parseInt(setting.defaultText());
  }

  private static boolean bool(Setting setting) {
    return Boolean.parseBoolean(setting.defaultText());
  }

  private static int port(String flag, int port, boolean zeroAllowed) {
    if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
      throw new ConfigException(flag + " must be a port number" + (zeroAllowed ? " (or 0)" : "") + ", not " + port);
    }
    return port;
  }

  private static int positive(String flag, int value) {
    if (value < 1) {
      throw new ConfigException(flag + " must be at least 1, not " + value);
    }
    return value;
  }

  private static int atLeastZero(String flag, int value) {
    if (value < 0) {
      throw new ConfigException(flag + " must be 0 or more, not " + value);
    }
    return value;
  }

  private static Integer integer(String name, String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be a number, not '" + text + "'");
    }
  }

  /** Whether a listen host names only this machine (a name that does not resolve does not count). */
  private static boolean isLoopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static Path path(String text) {
    return text == null ? null : Path.of(text);
  }

  /** A StatefulSet-style host name ends in its ordinal (pgml-proxy-3); otherwise a stable hash. */
  private static int replicaIdFromHostName() {
    String host;
    try {
      host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse(InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      return 0;
    }
    java.util.regex.Matcher ordinal = java.util.regex.Pattern.compile("-(\\d+)$").matcher(host);
    if (ordinal.find() && ordinal.group(1).length() <= 3 && Integer.parseInt(ordinal.group(1)) <= 255) {
      return Integer.parseInt(ordinal.group(1));
    }
    return Math.floorMod(host.hashCode(), 256);
  }

  private static <T> T first(T value, Supplier<T> otherwise) {
    return value != null ? value : otherwise.get();
  }
}
