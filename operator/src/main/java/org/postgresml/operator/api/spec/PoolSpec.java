package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** The proxy's server connection pool (YAML section {@code pool}). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "!has(self.minSize) || self.minSize <= self.size",
    message = "pool.minSize must not exceed pool.size")
public class PoolSpec {

  @Default("session")
  @JsonPropertyDescription("session: a client keeps its server connection until it leaves (what dblink needs); "
      + "transaction: server connections are shared between transactions.")
  public PoolMode mode = PoolMode.session;

  /** Without a default in the CRD: unset, the proxy's own default, and existing resources render as before. */
  @Pattern(ValidationPatterns.SESSION_SERVER_AT)
  @JsonPropertyDescription("Session mode: when a client takes its server connection. first-message (the proxy's "
      + "default, as PgBouncer and PgCat): logins are answered from the pool's cached server parameters and never "
      + "wait for a connection; the cancel key's pid is the proxy's. login: every login waits for its connection "
      + "and the client gets the backend's real pid (for pg_terminate_backend or pg_stat_activity).")
  public String sessionServerAt;

  @Default("20")
  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Most server connections per pod and per user/database.")
  public Integer size = 20;

  /** Without a default in the CRD: {@code pool: {size: 1}} must not fail on a minSize the user never set. */
  @Min(0)
  @Max(10000)
  @JsonPropertyDescription("Server connections each pod keeps open and warm, so a new client does not pay the "
      + "round trips of a TLS handshake and login across the internet. Absent: 2, or size when that is smaller.")
  public Integer minSize;

  /** What the proxy is given: minSize, else {@value #DEFAULT_MIN_SIZE} capped at size. */
  public int effectiveMinSize() {
    return minSize != null ? minSize : Math.min(DEFAULT_MIN_SIZE, size);
  }

  public static final int DEFAULT_MIN_SIZE = 2;

  @Default("1000")
  @Min(1)
  @Max(100000)
  @JsonPropertyDescription("Most client connections per pod.")
  public Integer maxClientConn = 1000;

  @Default("30s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How long a client waits for a free server connection before it gets an error.")
  public String queryWaitTimeout = "30s";

  @Default("10m")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("An idle server connection above minSize is closed after this long.")
  public String serverIdleTimeout = "10m";

  @Default("1h")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("A server connection is replaced after this long.")
  public String serverLifetime = "1h";
}
