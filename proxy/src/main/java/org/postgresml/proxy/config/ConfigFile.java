package org.postgresml.proxy.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The YAML file of docs/configuration.md, bound field by field. Every field is optional (null =
 * not set) so flags and defaults can fill the gaps; unknown keys fail the load.
 */
public final class ConfigFile {

  public Listen listen = new Listen();
  public Http http = new Http();
  public Upstream upstream = new Upstream();
  public Tls tls = new Tls();
  public ClientAuth clientAuth = new ClientAuth();
  public List<String> adminUsers;
  public Pool pool = new Pool();
  public Limits limits = new Limits();
  public Timeouts timeouts = new Timeouts();
  public Log log = new Log();
  public Fleet fleet = new Fleet();
  public Cancel cancel = new Cancel();
  public Cache cache = new Cache();

  /** Where clients connect. */
  public static final class Listen {
    public String host;
    public Integer port;
  }

  /** The health and metrics port. */
  public static final class Http {
    public Integer port;
  }

  /** PostgresML, or whatever the proxy relays to. */
  public static final class Upstream {
    public String url;
    public String sslMode;
    public String sslRootCert;
    public String connectTimeout;
  }

  /** The certificate the proxy presents to its clients. */
  public static final class Tls {
    public String certFile;
    public String keyFile;
    public Boolean required;
  }

  /** Who may connect to the proxy. */
  public static final class ClientAuth {
    public String method;
    /** trust on a non-loopback listen address; refused at start without it. */
    public Boolean allowTrustOnNetwork;
    public List<User> users = new ArrayList<>();
  }

  /** A client login; the password inline or, better, in a mounted file. */
  public static final class User {
    public String name;
    public String password;
    public String passwordFile;
    /** This user's own login method (scram-sha-256, md5, trust); clientAuth.method when not set. */
    public String method;
    /** The clients this user may log in from, as an address or CIDR range (pg_hba.conf's address). */
    public String address;
  }

  /** Pool settings (docs/pooling.md). */
  public static final class Pool {
    public String mode;
    public Integer size;
    public Integer minSize;
    public Integer maxClientConn;
    public String queryWaitTimeout;
    public String serverIdleTimeout;
    public String serverLifetime;
    public String serverIdleCheck;
    public String serverResetQuery;
    public Integer maxPools;
    public String poolIdleTimeout;
    public Integer maxLoginsInProgress;
    public Integer adminConnections;
  }

  /** What one client may make the proxy hold. */
  public static final class Limits {
    public String maxMessageSize;
    public Integer maxPreparedStatements;
  }

  /** Time limits around sessions. */
  public static final class Timeouts {
    public String clientLogin;
    public String shutdown;
    public String shutdownGrace;
  }

  /** Log line format, and whether each client's login and disconnect gets a line. */
  public static final class Log {
    public String format;
    public Boolean connections;
  }

  /** Client cancels: a budget of failed cancels per source address, and the summary log line. */
  public static final class Cancel {
    public Double failuresPerSecond;
    public Integer failureBurst;
    public String logInterval;
  }

  /** Fleet-wide cancel (issue 9): the replica's number goes into every cancel key. */
  public static final class Fleet {
    public Integer replicaId;
    public List<String> peers;
    public String peersDns;
    public String peerSecretFile;
  }

  /** The AI-call cache (docs/cache.md); the same keys the operator renders from PgmlProxy.spec.cache. */
  public static final class Cache {
    public List<CacheFunction> functions;
    public String maxSize;
    public String ttl;
    public Long generation;
  }

  /** A function whose calls may be answered from the cache. */
  public static final class CacheFunction {
    public String name;
    /** true: one entry for every user of a database; false (default): the key holds the user. */
    @com.fasterxml.jackson.annotation.JsonProperty("public")
    public Boolean shared;
  }
}
