package org.postgresml.proxy.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Merges flags, environment, YAML file and defaults into {@link ProxySettings}, checking each value. */
public final class SettingsResolver {

  public static final String ENV_DATABASE_URL = "DATABASE_URL";
  public static final String ENV_CONFIG = "PGML_PROXY_CONFIG";
  public static final String ENV_LOG_FORMAT = "PGML_PROXY_LOG_FORMAT";
  public static final String ENV_REPLICA_ID = "PGML_PROXY_REPLICA_ID";
  public static final String ENV_FLEET_PEERS_DNS = "PGML_PROXY_FLEET_PEERS_DNS";
  public static final String ENV_FLEET_SECRET_FILE = "PGML_PROXY_FLEET_SECRET_FILE";

  /**
   * How long a stopping proxy keeps accepting after /readyz turned 503: longer than a Service's or a
   * load balancer's endpoint update usually takes (kube-proxy: about a second or two).
   */
  public static final String DEFAULT_SHUTDOWN_GRACE = "5s";

  private final CliOptions cli;
  private final Map<String, String> env;

  public SettingsResolver(CliOptions cli, Map<String, String> env) {
    this.cli = cli;
    this.env = env;
  }

  public ProxySettings resolve() {
    Path configPath = first(cli.config, () -> Optional.ofNullable(env.get(ENV_CONFIG)).map(Path::of).orElse(null));
    ConfigFile file = configPath == null ? new ConfigFile() : load(configPath);

    String urlText = first(cli.databaseUrl, () -> first(env.get(ENV_DATABASE_URL), () -> file.upstream.url));
    if (urlText == null) {
      throw new ConfigException("no upstream: give --database-url, DATABASE_URL or upstream.url in --config");
    }
    DatabaseUrl url = DatabaseUrl.parse(urlText);
    SslMode sslMode = SslMode.parse(first(cli.upstreamSslMode,
        () -> first(file.upstream.sslMode, () -> url.parameter("sslmode").orElse("prefer"))));
    Optional<Path> rootCert = Optional.ofNullable(first(cli.upstreamSslRootCert,
        () -> Optional.ofNullable(first(file.upstream.sslRootCert, () -> url.parameter("sslrootcert").orElse(null)))
            .map(Path::of).orElse(null)));
    rootCert.ifPresent(path -> requireReadable("upstream sslrootcert", path));
    if (sslMode.verifiesCertificate() && rootCert.isEmpty()) {
      throw new ConfigException("upstream sslmode " + sslMode.text() + " needs a root CA: --upstream-sslrootcert FILE");
    }
    ProxySettings.Upstream upstream = new ProxySettings.Upstream(url, sslMode, rootCert,
        duration("upstream.connectTimeout", file.upstream.connectTimeout, "10s"));

    Path certFile = first(cli.tlsCert, () -> path(file.tls.certFile));
    Path keyFile = first(cli.tlsKey, () -> path(file.tls.keyFile));
    if ((certFile == null) != (keyFile == null)) {
      throw new ConfigException("client TLS needs both --tls-cert and --tls-key");
    }
    Optional<ProxySettings.ClientTls> clientTls = Optional.empty();
    if (certFile != null) {
      requireReadable("tls certificate", certFile);
      requireReadable("tls key", keyFile);
      clientTls = Optional.of(new ProxySettings.ClientTls(certFile, keyFile));
    }
    boolean tlsRequired = first(cli.tlsRequired, () -> first(file.tls.required, () -> false));
    if (tlsRequired && clientTls.isEmpty()) {
      throw new ConfigException("--tls-required needs --tls-cert and --tls-key");
    }

    ClientAuthMethod clientAuth = ClientAuthMethod.parse(first(cli.clientAuth,
        () -> first(file.clientAuth.method, () -> "scram-sha-256")));
    List<ProxySettings.ClientUser> users = clientUsers(file, url, clientAuth);
    List<String> adminUsers = file.adminUsers != null ? List.copyOf(file.adminUsers)
        : users.stream().map(ProxySettings.ClientUser::name).toList();

    String replicaText = env.get(ENV_REPLICA_ID);
    Integer replicaId = first(cli.replicaId, () -> first(replicaText == null ? null : integer(ENV_REPLICA_ID, replicaText),
        () -> first(file.fleet.replicaId, SettingsResolver::replicaIdFromHostName)));
    if (replicaId < 0 || replicaId > 255) {
      throw new ConfigException("replica id must be between 0 and 255, not " + replicaId);
    }

    String listenHost = first(cli.listenHost, () -> first(file.listen.host, () -> "0.0.0.0"));
    boolean trustOnNetwork = first(cli.allowTrustOnNetwork, () -> first(file.clientAuth.allowTrustOnNetwork, () -> false));
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
        port("--port", first(cli.port, () -> first(file.listen.port, () -> 6432)), true),
        port("--http-port", first(cli.httpPort, () -> first(file.http.port, () -> 9930)), true),
        upstream, clientTls, tlsRequired, clientAuth, trustOnNetwork,
        users, adminUsers, pool(file.pool), limits(file.limits),
        duration("timeouts.clientLogin", file.timeouts.clientLogin, "15s"),
        duration("timeouts.shutdown", file.timeouts.shutdown, "30s"),
        cli.shutdownGrace != null ? DurationText.parse("--shutdown-grace", cli.shutdownGrace)
            : duration("timeouts.shutdownGrace", file.timeouts.shutdownGrace, DEFAULT_SHUTDOWN_GRACE),
        LogFormat.parse(first(cli.logFormat, () -> first(env.get(ENV_LOG_FORMAT), () -> first(file.log.format,
            () -> "text")))),
        first(cli.logConnections, () -> first(file.log.connections, () -> true)),
        replicaId, new FleetSettingsResolver(cli, env, file.fleet).resolve(), cancel(file.cancel),
        CacheSettingsResolver.resolve(file.cache), Optional.ofNullable(configPath));
  }

  private ProxySettings.PoolSettings pool(ConfigFile.Pool pool) {
    int size = positive("--pool-size", first(cli.poolSize, () -> first(pool.size, () -> 20)));
    int minSize = first(cli.minPoolSize, () -> first(pool.minSize, () -> 0));
    if (minSize < 0 || minSize > size) {
      throw new ConfigException("--min-pool-size must be between 0 and the pool size " + size + ", not " + minSize);
    }
    return new ProxySettings.PoolSettings(
        PoolMode.parse(first(cli.poolMode, () -> first(pool.mode, () -> "session"))),
        size, minSize,
        positive("--max-client-conn", first(cli.maxClientConn, () -> first(pool.maxClientConn, () -> 1000))),
        duration("pool.queryWaitTimeout", pool.queryWaitTimeout, "30s"),
        duration("pool.serverIdleTimeout", pool.serverIdleTimeout, "10m"),
        duration("pool.serverLifetime", pool.serverLifetime, "1h"),
        duration("pool.serverIdleCheck", pool.serverIdleCheck, "30s"),
        first(pool.serverResetQuery, () -> "DISCARD ALL"),
        positive("--max-pools", first(cli.maxPools, () -> first(pool.maxPools, () -> 100))),
        first(cli.poolIdleTimeout == null ? null : DurationText.parse("--pool-idle-timeout", cli.poolIdleTimeout),
            () -> duration("pool.poolIdleTimeout", pool.poolIdleTimeout, "10m")),
        positive("--max-logins-in-progress", first(cli.maxLoginsInProgress, () -> first(pool.maxLoginsInProgress,
            () -> 1000))),
        positive("--admin-connections", first(cli.adminConnections, () -> first(pool.adminConnections, () -> 5))));
  }

  private ProxySettings.Limits limits(ConfigFile.Limits limits) {
    String messageSize = first(cli.maxMessageSize, () -> limits.maxMessageSize);
    return new ProxySettings.Limits(
        messageSize == null ? ProxySettings.Limits.DEFAULT_MAX_MESSAGE_SIZE
            // Below 64kB not even a login fits; 1GB stands for PostgreSQL's MaxAllocSize, one byte less.
            : Math.min(ByteSizeText.parse("limits.maxMessageSize", messageSize, 64 * 1024, 1 << 30), 0x3fffffff),
        positive("--max-prepared-statements", first(cli.maxPreparedStatements,
            () -> first(limits.maxPreparedStatements, () -> ProxySettings.Limits.DEFAULT_MAX_PREPARED_STATEMENTS))));
  }

  private static ProxySettings.Cancel cancel(ConfigFile.Cancel cancel) {
    ProxySettings.Cancel defaults = ProxySettings.Cancel.DEFAULTS;
    double rate = first(cancel.failuresPerSecond, defaults::failuresPerSecond);
    if (!(rate > 0)) {
      throw new ConfigException("cancel.failuresPerSecond must be above 0, not " + rate);
    }
    return new ProxySettings.Cancel(rate, positive("cancel.failureBurst", first(cancel.failureBurst,
        defaults::failureBurst)), duration("cancel.logInterval", cancel.logInterval, "60s"));
  }

  private static List<ProxySettings.ClientUser> clientUsers(ConfigFile file, DatabaseUrl url, ClientAuthMethod defaultMethod) {
    if (file.clientAuth.users == null || file.clientAuth.users.isEmpty()) {
      if (url.password().isEmpty() && defaultMethod != ClientAuthMethod.TRUST) {
        throw new ConfigException("the database URL has no password, so clients cannot log in with "
            + defaultMethod.text() + " as its user " + url.user() + ": use --client-auth trust, or list users in"
            + " clientAuth.users");
      }
      return List.of(new ProxySettings.ClientUser(url.user(), url.password()));
    }
    List<ProxySettings.ClientUser> users = new ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (ConfigFile.User user : file.clientAuth.users) {
      if (user.name == null || user.name.isBlank()) {
        throw new ConfigException("clientAuth.users: a user without a name");
      }
      String key = "clientAuth.users." + user.name;
      if (!names.add(user.name)) {
        throw new ConfigException(key + ": listed twice (one entry per user)");
      }
      Optional<ClientAuthMethod> method = Optional.ofNullable(user.method)
          .map(text -> EnumText.parse(ClientAuthMethod.class, key + ".method", text));
      boolean trust = method.orElse(defaultMethod) == ClientAuthMethod.TRUST;
      if (user.password != null && user.passwordFile != null) {
        throw new ConfigException(key + ": give one of password, passwordFile, not both");
      }
      if (user.password == null && user.passwordFile == null && !trust) {
        throw new ConfigException(key + ": give one of password, passwordFile (or method: trust)");
      }
      String password = user.password != null ? user.password
          : user.passwordFile != null ? readSecret(Path.of(user.passwordFile)) : "";
      if (password.isEmpty() && !trust) {
        throw new ConfigException(key + ": " + method.orElse(defaultMethod).text() + " needs a non-empty password");
      }
      Optional<ClientNetwork> address = Optional.ofNullable(user.address)
          .map(text -> ClientNetwork.parse(key + ".address", text));
      users.add(new ProxySettings.ClientUser(user.name, password, method, address));
    }
    return List.copyOf(users);
  }

  /** Reads a mounted secret; a trailing newline (as editors and `echo` write) is not part of it. */
  private static String readSecret(Path file) {
    requireReadable("password file", file);
    try {
      return Files.readString(file).replaceAll("\\r?\\n$", "");
    } catch (IOException e) {
      throw new ConfigException("cannot read password file " + file + ": " + e.getMessage(), e);
    }
  }

  static ConfigFile load(Path path) {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    try {
      ConfigFile file = yaml.readValue(path.toFile(), ConfigFile.class);
      return file == null ? new ConfigFile() : file;
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException("config file " + path + ": unknown key '" + e.getPropertyName() + "' at line "
          + e.getLocation().getLineNr(), e);
    } catch (JsonMappingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new ConfigException("config file " + path + ": invalid value" + where + " ("
          + e.getOriginalMessage().lines().findFirst().orElse("") + ")", e);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + path + " does not exist", e);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + path + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
    }
  }

  private static void requireReadable(String what, Path path) {
    if (!Files.isReadable(path)) {
      throw new ConfigException(what + " " + path + " is not a readable file");
    }
  }

  private static Duration duration(String key, String text, String fallback) {
    return DurationText.parse(key, text != null ? text : fallback);
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
