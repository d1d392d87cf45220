package org.postgresml.proxy.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.postgresml.proxy.config.model.Setting;

/**
 * The running value of every setting of the table, as {@code SHOW CONFIG} shows it, next to its
 * default written the same way. A setting added to the table needs its value here: the switch has no
 * default branch, so the compiler asks. Secrets are never shown (the URL prints without its
 * password; of the fleet's secret file only whether there is one).
 */
public final class SettingValues {

  /** One row: the setting, its value and its default as text, and whether a reload changes it. */
  public record Shown(String key, String value, String defaultValue, boolean reloadable) {}

  private SettingValues() {}

  /** Every setting with a YAML key, in the table's order. */
  public static List<Shown> of(ProxySettings settings) {
    List<Shown> rows = new ArrayList<>();
    for (Setting setting : Setting.values()) {
      setting.key().ifPresent(key -> rows.add(new Shown(key, value(setting, settings), shownDefault(setting),
          setting.reloadable())));
    }
    return rows;
  }

  /**
   * The settings a reload read anew but cannot apply (the table says which): their keys, for the
   * log line that says a restart is needed.
   */
  public static List<String> restartNeeded(ProxySettings previous, ProxySettings next) {
    List<String> keys = new ArrayList<>();
    for (Setting setting : Setting.values()) {
      if (!setting.reloadable() && setting.key().isPresent()
          && !value(setting, previous).equals(value(setting, next))) {
        keys.add(setting.yamlKey());
      }
    }
    return keys;
  }

  /** The default as a value of the same kind is shown: durations as values are (PT30S), sizes as 64MB. */
  static String shownDefault(Setting setting) {
    return setting.defaultValue().map(text -> switch (setting.kind()) {
      case DURATION -> DurationText.parse(setting.yamlKey(), text).toString();
      case SIZE -> ByteSizeText.format(ByteSizeText.parse(setting.yamlKey(), text, 0, Integer.MAX_VALUE));
      default -> text;
    }).orElse("");
  }

  static String value(Setting setting, ProxySettings s) {
    return switch (setting) {
      case CONFIG -> s.configFile().map(Path::toString).orElse("");
      case UPSTREAM_URL -> s.upstream().url().toString();
      case LISTEN_HOST -> s.listenHost();
      case LISTEN_PORT -> Integer.toString(s.port());
      case LISTEN_WARM_UP_LOGINS -> Integer.toString(s.warmUpLogins());
      case HTTP_PORT -> Integer.toString(s.httpPort());
      case TLS_CERT_FILE -> s.clientTls().map(tls -> tls.certFile().toString()).orElse("");
      case TLS_KEY_FILE -> s.clientTls().map(tls -> tls.keyFile().toString()).orElse("");
      case TLS_REQUIRED -> Boolean.toString(s.tlsRequired());
      case UPSTREAM_SSL_MODE -> s.upstream().sslMode().text();
      case UPSTREAM_SSL_ROOT_CERT -> s.upstream().sslRootCert().map(Path::toString).orElse("");
      case UPSTREAM_CONNECT_TIMEOUT -> duration(s.upstream().connectTimeout());
      case CLIENT_AUTH_METHOD -> s.clientAuthMethod().text();
      case CLIENT_AUTH_ALLOW_TRUST_ON_NETWORK -> Boolean.toString(s.allowTrustOnNetwork());
      case CLIENT_AUTH_USERS -> s.clientUsers().stream().map(ProxySettings.ClientUser::name)
          .collect(Collectors.joining(","));
      case ADMIN_USERS -> String.join(",", s.adminUsers());
      case POOL_MODE -> s.pool().mode().name().toLowerCase(Locale.ROOT);
      case POOL_SESSION_SERVER_AT -> EnumText.text(s.pool().sessionServerAt());
      case POOL_SIZE -> Integer.toString(s.pool().perPool().size());
      case POOL_MIN_SIZE -> Integer.toString(s.pool().perPool().minSize());
      case POOL_MAX_CLIENT_CONN -> Integer.toString(s.pool().maxClientConn());
      case POOL_MAX_LOGINS_IN_PROGRESS -> Integer.toString(s.pool().maxLoginsInProgress());
      case POOL_ADMIN_CONNECTIONS -> Integer.toString(s.pool().adminConnections());
      case POOL_QUERY_WAIT_TIMEOUT -> duration(s.pool().perPool().queryWaitTimeout());
      case POOL_SERVER_IDLE_TIMEOUT -> duration(s.pool().perPool().serverIdleTimeout());
      case POOL_SERVER_LIFETIME -> duration(s.pool().perPool().serverLifetime());
      case POOL_SERVER_IDLE_CHECK -> duration(s.pool().perPool().serverIdleCheck());
      case POOL_SERVER_RESET_QUERY -> s.pool().serverResetQuery();
      case POOL_MAX_POOLS -> Integer.toString(s.pool().limits().maxPools());
      case POOL_IDLE_TIMEOUT -> duration(s.pool().limits().idleTimeout());
      case LIMITS_MAX_MESSAGE_SIZE -> ByteSizeText.format(s.limits().maxMessageSize());
      case LIMITS_MAX_PREPARED_STATEMENTS -> Integer.toString(s.limits().maxPreparedStatements());
      case TIMEOUTS_CLIENT_LOGIN -> duration(s.clientLoginTimeout());
      case TIMEOUTS_SHUTDOWN_GRACE -> duration(s.shutdownGrace());
      case TIMEOUTS_SHUTDOWN -> duration(s.shutdownTimeout());
      case LOG_FORMAT -> s.logFormat().name().toLowerCase(Locale.ROOT);
      case LOG_CONNECTIONS -> Boolean.toString(s.logConnections());
      case CANCEL_FAILURES_PER_SECOND -> number(s.cancel().failuresPerSecond());
      case CANCEL_FAILURE_BURST -> Integer.toString(s.cancel().failureBurst());
      case CANCEL_LOG_INTERVAL -> duration(s.cancel().logInterval());
      case FLEET_REPLICA_ID -> Integer.toString(s.replicaId());
      case FLEET_PEERS -> s.fleet().peers().stream().map(peer -> peer.getHostString() + ":" + peer.getPort())
          .collect(Collectors.joining(","));
      case FLEET_PEERS_DNS -> s.fleet().peersDns().orElse("");
      case FLEET_PEER_SECRET_FILE -> s.fleet().secret().isPresent() ? "(set)" : "";
      case CACHE_FUNCTIONS -> s.cache().functions().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
          .map(function -> function.getKey() + (function.getValue() ? " (public)" : "")).collect(Collectors.joining(","));
      case CACHE_MAX_SIZE -> ByteSizeText.format(s.cache().maxSizeBytes());
      case CACHE_TTL -> duration(s.cache().ttl());
      case CACHE_GENERATION -> Long.toString(s.cache().generation());
    };
  }

  private static String duration(Duration duration) {
    return duration.toString();
  }

  /** 10.0 as 10, as the table writes it; 2.5 stays 2.5. */
  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
  }
}
