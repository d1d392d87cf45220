package org.postgresml.proxy.config.model;

/**
 * Words of the configuration that more than one place spells: the proxy's defaults and parsers, the
 * operator's CRD defaults and what it renders. One home each, so they cannot drift apart.
 */
public final class ConfigWords {

  /** Client login methods, as pg_hba.conf spells them. */
  public static final String SCRAM_SHA_256 = "scram-sha-256";
  public static final String MD5 = "md5";
  public static final String TRUST = "trust";

  /** Every IPv4 address of the host: where a proxy in a pod listens. */
  public static final String ALL_ADDRESSES = "0.0.0.0";

  /** What a session-mode release runs before a server connection serves the next client. */
  public static final String DISCARD_ALL = "DISCARD ALL";

  private ConfigWords() {}
}
