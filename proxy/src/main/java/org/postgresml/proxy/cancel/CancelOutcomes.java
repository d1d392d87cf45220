package org.postgresml.proxy.cancel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What became of client CancelRequests: counted on /metrics by outcome, and summed up in one log line
 * per interval when any went unmatched or were dropped, never one line per cancel (a flood of guesses
 * must not flood the log).
 */
final class CancelOutcomes {

  private static final Logger LOG = LoggerFactory.getLogger("org.postgresml.proxy.cancel");

  private final Counter matchedTotal;
  private final Counter unmatchedTotal;
  private final Counter limitedTotal;
  private final LongAdder matched = new LongAdder();
  private final LongAdder unmatched = new LongAdder();
  private final LongAdder limited = new LongAdder();

  CancelOutcomes(MeterRegistry registry) {
    matchedTotal = counter(registry, "matched", "named a session of this replica");
    unmatchedTotal = counter(registry, "unmatched", "named no session here (a wrong key, or forwarded to the fleet)");
    limitedTotal = counter(registry, "rate_limited", "dropped unread: the source spent its budget of failed cancels");
  }

  private static Counter counter(MeterRegistry registry, String outcome, String what) {
    return Counter.builder("pgml_proxy_cancel_requests").tag("outcome", outcome)
        .description("client cancel requests by outcome; " + outcome + ": " + what).register(registry);
  }

  void matched() {
    matched.increment();
    matchedTotal.increment();
  }

  void unmatched() {
    unmatched.increment();
    unmatchedTotal.increment();
  }

  void rateLimited() {
    limited.increment();
    limitedTotal.increment();
  }

  /** Logs the summary every interval (read afresh each time) on the timer, until it shuts down. */
  void start(ScheduledExecutorService timer, Supplier<Duration> interval, IntSupplier limitedSources) {
    try {
      timer.schedule(() -> {
        summarize(interval.get(), limitedSources.getAsInt());
        start(timer, interval, limitedSources);
      }, interval.get().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the proxy is stopping
    }
  }

  private void summarize(Duration interval, int limitedSources) {
    long wrong = unmatched.sumThenReset();
    long dropped = limited.sumThenReset();
    long right = matched.sumThenReset();
    if (wrong == 0 && dropped == 0) {
      return; // cancels that found their session are the normal case: no line
    }
    (dropped > 0 ? LOG.atWarn() : LOG.atInfo()).addKeyValue("interval_s", interval.toSeconds())
        .addKeyValue("matched", right).addKeyValue("unmatched", wrong).addKeyValue("rate_limited", dropped)
        .addKeyValue("sources_limited", limitedSources).log("cancel requests");
  }
}
