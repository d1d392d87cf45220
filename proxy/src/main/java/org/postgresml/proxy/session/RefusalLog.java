package org.postgresml.proxy.session;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of a refusal that one client may repeat without pause (a replication driver that retries
 * at once produced 72,821 refused logins in ten minutes): one line for the first, then one line per
 * interval with the number refused since, never a line per attempt.
 */
final class RefusalLog {

  private static final Logger LOG = LoggerFactory.getLogger("org.postgresml.proxy.session");

  private final String what;
  private final long intervalNanos;
  private boolean logged;
  private long lastLineAt;
  private long sinceLastLine;
  private long lines;
  private long total;

  RefusalLog(String what, long interval, TimeUnit unit) {
    this.what = what;
    this.intervalNanos = unit.toNanos(interval);
  }

  synchronized void refused(String client, String user, String sqlState) {
    total++;
    long now = System.nanoTime();
    if (logged && now - lastLineAt < intervalNanos) {
      sinceLastLine++;
      return;
    }
    LOG.atInfo().addKeyValue("client", client).addKeyValue("user", user).addKeyValue("sqlstate", sqlState)
        .addKeyValue("refused_since_last_line", sinceLastLine)
        .log(what + " refused (the next such refusals are counted, one line per "
            + TimeUnit.NANOSECONDS.toSeconds(intervalNanos) + " s)");
    logged = true;
    lastLineAt = now;
    sinceLastLine = 0;
    lines++;
  }

  /** Refusals so far and lines written for them (for tests and for SHOW-style reports). */
  synchronized long total() {
    return total;
  }

  synchronized long lines() {
    return lines;
  }
}
