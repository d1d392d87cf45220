package org.postgresml.proxy.cache;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.postgresml.proxy.cache.CacheCalls.Kind;

/**
 * A raw-protocol client of {@link CacheIsolationIT}: sessions of random pipelines (several simple
 * Queries sent at once, their replies read after), each reply checked in order against what it must
 * be. What the cache may do for a call follows from the session's own history, which the client
 * tracks as the proxy must: its switch, and whether it sent anything but cacheable calls.
 */
final class PipeliningCacheClient implements Runnable {

  private static final byte[] SET_DONE = {'C', 0, 0, 0, 8, 'S', 'E', 'T', 0, 'Z', 0, 0, 0, 5, 'I'};

  private final CachedProxy proxy;
  private final String name;
  private final String user;
  private final Random random;
  private final int sessions;
  private final AnswerLedger ledger;
  private final boolean clearsCache;
  /** The first session's first call (then the rest of its pipeline behind it), when given: a call others ask too. */
  private final String[] opening;
  // The session's state as the proxy must see it.
  private boolean switchedOn;
  private boolean usesCache;

  /** @param opening model and text of an embed call the first pipeline begins with, or null */
  PipeliningCacheClient(CachedProxy proxy, String name, String user, long seed, int sessions, AnswerLedger ledger,
      boolean clearsCache, String[] opening) {
    this.opening = opening;
    this.proxy = proxy;
    this.name = name;
    this.user = user;
    this.random = new Random(seed);
    this.sessions = sessions;
    this.ledger = ledger;
    this.clearsCache = clearsCache;
  }

  @Override
  public void run() {
    for (int session = 0; session < sessions; session++) {
      try {
        session(session == 0 ? opening : null);
        if (clearsCache && session % 4 == 3) {
          proxy.admin("CACHE CLEAR"); // misses again, while the others' calls are in flight
        }
      } catch (Exception | AssertionError e) {
        ledger.fail(name, "session " + session + ": " + e);
      }
    }
  }

  private void session(String[] first) throws Exception {
    boolean offAtLogin = first == null && random.nextInt(8) == 0;
    switchedOn = !offAtLogin;
    usesCache = true;
    try (WireClient client = offAtLogin ? proxy.login(user, Map.of("options", "-c pgml_proxy.cache=off"))
        : proxy.login(user)) {
      int pipelines = 1 + random.nextInt(4);
      for (int p = 0; p < pipelines; p++) {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        List<Consumer<byte[]>> checks = new ArrayList<>();
        int steps = 1 + random.nextInt(4);
        if (p == 0 && first != null) {
          embed(first[0], first[1], frames, checks);
        }
        for (int s = 0; s < steps; s++) {
          Kind kind = CacheCalls.kind(random);
          if (!checks.isEmpty() && (kind == Kind.SHOW || kind == Kind.SWITCH)) {
            // The proxy answers these only with nothing in flight (docs/cache.md): not behind the gated
            // first call either.
            kind = Kind.TICKET;
          }
          step(kind, frames, checks);
        }
        client.sendRaw(frames.toByteArray());
        for (Consumer<byte[]> check : checks) {
          check.accept(client.reply());
        }
      }
    }
  }

  private void step(Kind kind, ByteArrayOutputStream frames, List<Consumer<byte[]>> checks) {
    String model = CacheCalls.model(random);
    String text = CacheCalls.text(random);
    switch (kind) {
      case EMBED -> embed(model, text, frames, checks);
      case EMBED_ERROR -> {
        String failing = CacheCalls.errorModel(random);
        add(frames, checks, CacheCalls.embed(failing, text), reply -> {
          expect(reply, "EZ", 'I');
          ledger.embedError(name, failing, WireClient.errorField(reply, 'C'), WireClient.errorField(reply, 'M'));
        });
      }
      case TICKET -> ticket(frames, checks, model, text, false, 'I');
      case TICKET_ERROR -> ticket(frames, checks, CacheCalls.errorModel(random), text, false, 'I');
      case TRANSACTION -> {
        add(frames, checks, "BEGIN", reply -> expect(reply, "CZ", 'T'));
        usesCache = false;
        ticket(frames, checks, model, text, true, 'T');
        add(frames, checks, "COMMIT", reply -> expect(reply, "CZ", 'I'));
      }
      case SHOW -> {
        String shown = switchedOn ? "on" : "off";
        add(frames, checks, "SHOW pgml_proxy.cache", reply -> {
          expect(reply, "TDCZ", 'I');
          if (!shown.equals(value(reply, CacheSwitch.NAME))) {
            ledger.fail(name, "SHOW pgml_proxy.cache = " + value(reply, CacheSwitch.NAME) + ", the session set " + shown);
          }
        });
      }
      case SWITCH -> {
        switchedOn = random.nextBoolean();
        add(frames, checks, "SET pgml_proxy.cache = " + (switchedOn ? "on" : "off"), reply -> {
          if (!Arrays.equals(reply, SET_DONE)) {
            ledger.fail(name, "SET pgml_proxy.cache answered " + WireClient.types(reply));
          }
        });
      }
      case PLAIN -> {
        usesCache = false;
        add(frames, checks, CacheCalls.PLAIN_SQL, reply -> {
          expect(reply, "TDCZ", 'I');
          if (!"plain 7".equals(value(reply, "plain"))) {
            ledger.fail(name, CacheCalls.PLAIN_SQL + " = " + value(reply, "plain"));
          }
        });
      }
    }
  }

  private void embed(String model, String text, ByteArrayOutputStream frames, List<Consumer<byte[]>> checks) {
    add(frames, checks, CacheCalls.embed(model, text), reply -> {
      expect(reply, "TDCZ", 'I');
      ledger.embed(name, model, text, CacheCalls.vector(value(reply, "embed")));
    });
  }

  // A ticket, in a transaction or not; whether it may come from (or go into) the cache is decided now, in order.
  private void ticket(ByteArrayOutputStream frames, List<Consumer<byte[]>> checks, String model, String text,
      boolean inTransaction, char status) {
    boolean fresh = inTransaction || !switchedOn || !usesCache;
    boolean error = model.startsWith("error/");
    add(frames, checks, CacheCalls.ticket(model, text), reply -> {
      expect(reply, error ? "TEZ" : "TDCZ", status); // it fails as it runs, after its RowDescription
      ledger.ticket(name, user, model, text, error ? WireClient.errorField(reply, 'M') : value(reply, "ticket"), error,
          fresh);
    });
  }

  private static void add(ByteArrayOutputStream frames, List<Consumer<byte[]>> checks, String sql,
      Consumer<byte[]> check) {
    frames.writeBytes(WireClient.queryFrame(sql));
    checks.add(check);
  }

  private void expect(byte[] reply, String types, char status) {
    if (!WireClient.types(reply).equals(types) || reply[reply.length - 1] != status) {
      ledger.fail(name, "expected " + types + " " + status + ", got " + WireClient.types(reply) + " "
          + (char) reply[reply.length - 1] + " " + WireClient.errorField(reply, 'M'));
    }
  }

  private static String value(byte[] reply, String column) {
    List<Map<String, String>> rows = WireClient.rows(reply);
    return rows.size() == 1 ? rows.get(0).get(column) : null;
  }
}
