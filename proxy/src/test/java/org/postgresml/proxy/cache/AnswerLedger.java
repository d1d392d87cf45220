package org.postgresml.proxy.cache;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresml.testing.PgmlStandIn;

/**
 * What every client of {@link CacheIsolationIT} was answered, checked as it comes in against the
 * value it must be, and kept for the checks that need all of it: {@code pgml.ticket} (public: false)
 * returns a number of its own for each time it ran upstream, so an answer tells which upstream call
 * it came from. A ticket may reach only the user whose call drew it (its key has the user), and a
 * ticket drawn where the cache must not serve (inside a transaction, switched off, after another
 * statement) reaches nobody else. Any thread.
 */
final class AnswerLedger {

  private static final Pattern TICKET = Pattern.compile("(?<model>[^|]*)\\|(?<text>[^|]*)\\|#(?<number>\\d+)");
  private static final Pattern TICKET_ERROR = Pattern.compile("model \"(?<model>[^\"]*)\" does not exist \\(call (?<number>\\d+)\\)");

  private final Queue<String> failures = new ConcurrentLinkedQueue<>();
  private final Map<Long, String> owners = new ConcurrentHashMap<>();
  private final Map<Long, AtomicLong> seen = new ConcurrentHashMap<>();
  private final Set<Long> fresh = ConcurrentHashMap.newKeySet();
  final AtomicLong embedReplies = new AtomicLong();
  final AtomicLong ticketReplies = new AtomicLong();
  final AtomicLong answers = new AtomicLong();

  void fail(String client, String what) {
    failures.add(client + ": " + what);
  }

  /** A pgml.embed answer: the stand-in's vector for exactly these arguments. */
  void embed(String client, String model, String text, float[] vector) {
    embedReplies.incrementAndGet();
    answers.incrementAndGet();
    float[] expected = PgmlStandIn.expectedEmbedding(model, text);
    if (!java.util.Arrays.equals(vector, expected)) {
      fail(client, "embed(" + model + ", " + text + ") = " + java.util.Arrays.toString(vector) + ", must be "
          + java.util.Arrays.toString(expected));
    }
  }

  /** A pgml.embed call of a failing model: the stand-in's own error, for this model. */
  void embedError(String client, String model, String sqlState, String message) {
    embedReplies.incrementAndGet();
    answers.incrementAndGet();
    if (!"P0002".equals(sqlState) || !("model \"" + model + "\" does not exist").equals(message)) {
      fail(client, "embed(" + model + ") failed with " + sqlState + " " + message);
    }
  }

  /**
   * A pgml.ticket answer (or its error's text) to {@code user}.
   *
   * @param mustBeFresh the call could not be served from the cache, nor fill it: its ticket is seen once
   */
  void ticket(String client, String user, String model, String text, String value, boolean error,
      boolean mustBeFresh) {
    ticketReplies.incrementAndGet();
    answers.incrementAndGet();
    Matcher matcher = (error ? TICKET_ERROR : TICKET).matcher(value == null ? "" : value);
    if (!matcher.matches() || !matcher.group("model").equals(model) || !error && !matcher.group("text").equals(text)) {
      fail(client, "ticket(" + model + ", " + text + ") = " + value);
      return;
    }
    long number = Long.parseLong(matcher.group("number"));
    String owner = owners.putIfAbsent(number, user);
    if (owner != null && !owner.equals(user)) {
      fail(client, "ticket #" + number + " drawn for " + owner + " reached " + user);
    }
    seen.computeIfAbsent(number, n -> new AtomicLong()).incrementAndGet();
    if (mustBeFresh) {
      fresh.add(number);
    }
  }

  /** Every answer (a ticket) that had to come from its own upstream call is seen by that call only. */
  void checkFreshTickets() {
    for (long number : fresh) {
      long times = seen.get(number).get();
      if (times != 1) {
        fail("ledger", "ticket #" + number + " was drawn where the cache must not serve, and answered " + times
            + " calls");
      }
    }
  }

  long distinctTickets() {
    return seen.size();
  }

  long freshTickets() {
    return fresh.size();
  }

  List<String> failures() {
    return List.copyOf(failures);
  }
}
