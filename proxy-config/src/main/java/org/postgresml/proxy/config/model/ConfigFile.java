package org.postgresml.proxy.config.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The proxy's YAML file (docs/configuration.md) as Java: the proxy reads it, the operator writes it,
 * so a key renamed here fails to compile on both sides. Every component is optional (null = not
 * set, and not written) so that flags and the settings table's defaults ({@link Setting}) can fill
 * the gaps; readers refuse unknown keys. Values stay as the file spells them (durations {@code 30s},
 * sizes {@code 64MB}); the proxy parses and checks them.
 *
 * <p>Components are declared in the order the operator writes them, which is the order Jackson
 * writes a record's components in.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConfigFile(Listen listen, Http http, Upstream upstream, Tls tls, ClientAuth clientAuth,
                         List<String> adminUsers, Pool pool, Limits limits, Timeouts timeouts, Log log, Fleet fleet,
                         Cancel cancel, Cache cache) {

  /** A file with nothing set: what the proxy reads when it is given none. */
  public static final ConfigFile EMPTY = new ConfigFile(null, null, null, null, null, null, null, null, null, null,
      null, null, null);

  /** This file with every absent section empty, so a reader can ask {@code file.pool().size()} directly. */
  public ConfigFile withEmptySections() {
    return new ConfigFile(
        listen != null ? listen : new Listen(null, null, null),
        http != null ? http : new Http(null),
        upstream != null ? upstream : new Upstream(null, null, null, null),
        tls != null ? tls : new Tls(null, null, null),
        clientAuth != null ? clientAuth : new ClientAuth(null, null, null),
        adminUsers,
        pool != null ? pool : new Pool(null, null, null, null, null, null, null, null, null, null, null, null, null, null),
        limits != null ? limits : new Limits(null, null),
        timeouts != null ? timeouts : new Timeouts(null, null, null),
        log != null ? log : new Log(null, null),
        fleet != null ? fleet : new Fleet(null, null, null, null),
        cancel != null ? cancel : new Cancel(null, null, null),
        cache != null ? cache : new Cache(null, null, null, null));
  }

  /** The same file without its {@code cache:} section (the part whose change needs no restart). */
  public ConfigFile withoutCache() {
    return new ConfigFile(listen, http, upstream, tls, clientAuth, adminUsers, pool, limits, timeouts, log, fleet,
        cancel, null);
  }

  /** Where clients connect, and how many logins the proxy makes to itself before it listens. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Listen(String host, Integer port, Integer warmUpLogins) {}

  /** The health and metrics port. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Http(Integer port) {}

  /** PostgresML, or whatever the proxy relays to. The URL carries a password: the operator passes it as DATABASE_URL. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Upstream(String url, String sslMode, String sslRootCert, String connectTimeout) {}

  /** The certificate the proxy presents to its clients. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Tls(String certFile, String keyFile, Boolean required) {}

  /**
   * Who may connect to the proxy.
   *
   * @param allowTrustOnNetwork trust on a non-loopback listen address; refused at start without it
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ClientAuth(String method, Boolean allowTrustOnNetwork, List<User> users) {}

  /**
   * A client login, as a pg_hba.conf line: the password inline or, better, in a mounted file.
   *
   * @param method this user's own login method (scram-sha-256, md5, trust); clientAuth.method when not set
   * @param address the clients this user may log in from, as an address or CIDR range
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record User(String name, String method, String password, String passwordFile, String address) {}

  /** Pool settings (docs/pooling.md). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Pool(String mode, Integer size, Integer minSize, Integer maxClientConn, String queryWaitTimeout,
                     String serverIdleTimeout, String serverLifetime, String serverIdleCheck, String serverResetQuery,
                     Integer maxPools, String poolIdleTimeout, Integer maxLoginsInProgress,
                     Integer adminConnections, String sessionServerAt) {}

  /** What one client may make the proxy hold. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Limits(String maxMessageSize, Integer maxPreparedStatements) {}

  /** Time limits around sessions. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Timeouts(String clientLogin, String shutdown, String shutdownGrace) {}

  /** Log line format, and whether each client's login and disconnect gets a line. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Log(String format, Boolean connections) {}

  /** Fleet-wide cancel: the replica's number, its peers and the file of the secret they share. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Fleet(Integer replicaId, List<String> peers, String peersDns, String peerSecretFile) {}

  /** Client cancels: a budget of failed cancels per source address, and the summary log line. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Cancel(Double failuresPerSecond, Integer failureBurst, String logInterval) {}

  /**
   * The AI-call cache (docs/cache.md); an empty {@code functions} list, the default, means it is off.
   *
   * @param generation a change empties the cache (the operator bumps it)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Cache(List<CacheFunction> functions, String maxSize, String ttl, Long generation) {}

  /**
   * A function whose calls may be answered from the cache.
   *
   * @param name schema-qualified, lower case ({@code pgml.embed})
   * @param shared {@code public} in the file: one entry for every user of a database; false (default): the key
   *     holds the user
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CacheFunction(String name, @JsonProperty("public") Boolean shared) {}
}
