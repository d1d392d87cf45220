package org.postgresml.proxy.cancel;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A budget of failed cancels per source: a token bucket per client address (an IPv6 client per /64,
 * what one host can choose from) that each cancel this proxy cannot match takes a token from. While
 * a source's bucket is empty, every cancel from it is dropped unread, the right key too: that is what
 * makes guessing a 32-bit secret take years instead of minutes. Only sources with a spent budget
 * need state; past {@link #MAX_SOURCES} of those, new ones share one bucket.
 */
final class CancelRateLimiter {

  static final int MAX_SOURCES = 10_000;
  private static final String OVERFLOW = "overflow";
  private static final long PURGE_INTERVAL_NANOS = 1_000_000_000L;

  /** Refill rate and bucket size, read at each call (a reload may change them). */
  interface Budget {
    double perSecond();

    int burst();
  }

  private final Budget budget;
  private final LongSupplier nanoClock;
  private final Map<Object, Bucket> buckets = new HashMap<>();
  /** When full buckets were last forgotten: at most once a second, so a flood of new sources costs no scan each. */
  private long purgedAt = Long.MIN_VALUE;

  CancelRateLimiter(Budget budget, LongSupplier nanoClock) {
    this.budget = budget;
    this.nanoClock = nanoClock;
  }

  /** Whether a cancel from this source may be looked at now. */
  synchronized boolean allows(InetAddress source) {
    Bucket bucket = buckets.get(keyOf(source));
    if (bucket == null && buckets.size() >= MAX_SOURCES) {
      bucket = buckets.get(OVERFLOW);
    }
    return bucket == null || bucket.refill(nanoClock.getAsLong(), budget) >= 1;
  }

  /** A cancel from this source named no session here: one token less. */
  synchronized void failed(InetAddress source) {
    long now = nanoClock.getAsLong();
    Object key = keyOf(source);
    if (!buckets.containsKey(key) && buckets.size() >= MAX_SOURCES) {
      if (purgedAt == Long.MIN_VALUE || now - purgedAt >= PURGE_INTERVAL_NANOS) {
        purgedAt = now;
        forgetRefilled(now);
      }
      if (buckets.size() >= MAX_SOURCES) {
        key = OVERFLOW; // many sources at once, each spending: they share one budget
      }
    }
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(budget.burst(), now));
    bucket.refill(now, budget);
    bucket.tokens -= 1;
  }

  /** Sources whose budget is spent now. */
  synchronized int limitedSources() {
    long now = nanoClock.getAsLong();
    int limited = 0;
    for (Bucket bucket : buckets.values()) {
      if (bucket.refill(now, budget) < 1) {
        limited++;
      }
    }
    return limited;
  }

  // A full bucket is the same as none.
  private void forgetRefilled(long now) {
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      if (it.next().refill(now, budget) >= budget.burst()) {
        it.remove();
      }
    }
  }

  private static Object keyOf(InetAddress source) {
    if (source instanceof Inet6Address v6 && !v6.isLoopbackAddress()) {
      return new Prefix64(ByteBuffer.wrap(v6.getAddress()).getLong());
    }
    return source;
  }

  /** The first 64 bits of an IPv6 address. */
  private record Prefix64(long bits) {}

  private static final class Bucket {
    double tokens;
    long refilledAt;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.refilledAt = now;
    }

    double refill(long now, Budget budget) {
      double elapsed = (now - refilledAt) / 1e9;
      refilledAt = now;
      tokens = Math.min(budget.burst(), tokens + elapsed * budget.perSecond());
      return tokens;
    }
  }
}
