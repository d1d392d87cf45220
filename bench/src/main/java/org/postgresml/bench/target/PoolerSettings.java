package org.postgresml.bench.target;

/**
 * The settings every pooler gets alike in one comparison. Client authentication is always
 * SCRAM-SHA-256 with the upstream's own user and password, upstream TLS off (all on loopback).
 */
public record PoolerSettings(PoolMode mode, int poolSize, int minPoolSize, int maxClientConn) {

  public String describe() {
    return "pool mode " + mode.key() + ", pool size " + poolSize + ", min pool size " + minPoolSize
        + ", max client connections " + maxClientConn + ", client auth scram-sha-256, upstream sslmode disable";
  }
}
