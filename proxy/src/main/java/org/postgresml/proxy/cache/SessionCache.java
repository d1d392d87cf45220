package org.postgresml.proxy.cache;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * One client session's side of the cache, on its event loop. The session asks {@link #offer} with
 * a Query sent while it owes the client nothing outside a transaction block; a hit is answered here
 * (no server connection needed), a miss leads or waits for the same call in flight. The rules that
 * keep answers right:
 * <ul>
 *   <li>Only a session that has sent nothing but cacheable calls (and this switch) since login uses
 *       the cache: anything else might have changed a setting the answer's text depends on.</li>
 *   <li>Only a server connection that never carried such other traffic (or was reset by DISCARD ALL
 *       since) fills it; {@link #beforeRelay} marks the ones that did.</li>
 *   <li>Only UTF8 clients with standard_conforming_strings on (what the matcher reads).</li>
 * </ul>
 */
public final class SessionCache {

  /** Reported settings that shape how a value is written out. */
  private static final Set<String> OUTPUT_SETTINGS = Set.of("client_encoding", "datestyle", "intervalstyle",
      "timezone", "standard_conforming_strings");
  /**
   * Back to the session defaults: RESET ALL leaves role and session_authorization alone
   * (GUC_NO_RESET_ALL), so they are reset first; DISCARD ALL would also drop the server's prepared
   * statements, which transaction mode shares between clients.
   */
  static final String RESET_SETTINGS = "SET SESSION AUTHORIZATION DEFAULT;RESET ROLE;RESET ALL;";

  /** What the session does with the Query it offered. */
  public enum Step {
    /** Answered here (written and flushed); the frame was released. */
    ANSWERED,
    /** The session relays the frame as usual (not cacheable, or this session leads the call). */
    RELAY,
    /** Held here until the same call in flight ends; the session reads nothing meanwhile. */
    WAITING
  }

  /** Before login, the admin console, a session that cannot use the cache. */
  public static final SessionCache NONE = new SessionCache(null, null, "", "", "", false);

  private final AnswerCache cache;
  private final Channel channel;
  private final String database;
  private final String user;
  private final String settings;
  private boolean usable;
  private boolean switchedOn = true;
  /** The frame offered last: its relay that follows is not read again. */
  private ByteBuf offered;
  private AnswerCache.FlightKey leading;
  private AnswerRecorder recorder;
  /** This session's wait for a call in flight; null while it waits for none. */
  private FlightWait waiting;

  private SessionCache(AnswerCache cache, Channel channel, String database, String user, String settings,
      boolean usable) {
    this.cache = cache;
    this.channel = channel;
    this.database = database;
    this.user = user;
    this.settings = settings;
    this.usable = usable;
  }

  /**
   * @param reported the parameters the client was told at login
   * @param clientSettings the client's startup settings by lower-case name ({@code -c pgml_proxy.cache=off} among them)
   */
  public static SessionCache open(AnswerCache cache, Channel channel, String database, String user,
      Map<String, String> reported, Map<String, String> clientSettings) {
    Map<String, String> shaping = new TreeMap<>();
    reported.forEach((name, value) -> {
      if (OUTPUT_SETTINGS.contains(name.toLowerCase(Locale.ROOT))) {
        shaping.put(name.toLowerCase(Locale.ROOT), value);
      }
    });
    clientSettings.forEach((name, value) -> {
      if (!name.equals("application_name") && !name.startsWith("pgml_proxy.")) {
        shaping.put(name, value);
      }
    });
    boolean readable = "UTF8".equalsIgnoreCase(shaping.get("client_encoding"))
        && "on".equalsIgnoreCase(shaping.get("standard_conforming_strings"));
    SessionCache session = new SessionCache(cache, channel, database, user,
        shaping.toString().intern(), readable); // one copy for the sessions alike, not one each
    String startupSwitch = clientSettings.get(CacheSwitch.NAME);
    // -c pgml_proxy.cache=off; a value that is no boolean turns it off too (the safe reading).
    session.switchedOn = startupSwitch == null || CacheSwitch.bool(startupSwitch).orElse(false);
    return session;
  }

  /**
   * A Query the client sent while nothing is owed to it and no transaction is open. Returns what the
   * session does next; for {@link Step#WAITING}, {@code resume} later gets, on the session's loop,
   * the frame to relay after all (the call failed to come back shared) or null (answered).
   */
  public Step offer(ByteBuf query, Duration maxWait, Consumer<ByteBuf> resume) {
    if (query == offered) {
      return Step.RELAY; // handed back by a flight that brought nothing to share: it goes to the upstream
    }
    offered = null;
    if (cache == null) {
      return relay(query);
    }
    // The switch is the proxy's in every session, also one that no longer uses the cache (it is short).
    Optional<String> text = usable || query.readableBytes() <= CacheSwitch.MAX_BYTES ? QueryText.of(query) : Optional.empty();
    if (text.isEmpty()) {
      usable = false;
      return relay(query);
    }
    CacheSwitch.Said said = CacheSwitch.read(text.get());
    if (said != CacheSwitch.Said.NOT_THE_SWITCH) {
      if (said != CacheSwitch.Said.INVALID && said != CacheSwitch.Said.SHOW) {
        switchedOn = said == CacheSwitch.Said.ON;
      }
      CacheReplies.toSwitch(channel, said, switchedOn);
      query.release();
      return Step.ANSWERED;
    }
    if (!usable) {
      return relay(query);
    }
    var functions = cache.settings().functions();
    Optional<CacheableCall> call = CacheableCall.match(text.get(), functions.keySet());
    if (call.isEmpty() && HarmlessStatement.matches(text.get())) {
      return relay(query);
    }
    if (call.isEmpty()) {
      usable = false; // whatever it was, it may have changed how answers read
      return relay(query);
    }
    if (!switchedOn) {
      cache.bypassed(call.get().function());
      return relay(query);
    }
    boolean shared = functions.getOrDefault(call.get().function(), false);
    CacheKey key = new CacheKey(database, shared ? "" : user, call.get().function(), call.get().canonical(), settings,
        cache.settings().generation());
    FlightWait mine = new FlightWait(cache, channel, handedBack -> {
      waiting = null;
      if (handedBack != null) {
        offered = handedBack; // relayed as it is, not offered again
      }
      resume.accept(handedBack);
    });
    AnswerCache.Lookup lookup = cache.lookup(key, text.get(), mine);
    if (lookup instanceof AnswerCache.Lookup.Hit hit) {
      query.release();
      CacheReplies.replay(channel, hit.answer().bytes());
      return Step.ANSWERED;
    }
    if (lookup instanceof AnswerCache.Lookup.Lead lead) {
      leading = lead.flight();
      recorder = new AnswerRecorder(cache.maxEntryBytes());
      return relay(query);
    }
    waiting = mine;
    mine.start(((AnswerCache.Lookup.Wait) lookup).flight(), query, maxWait);
    return Step.WAITING;
  }

  // The session relays this frame next: beforeRelay knows it was read here already.
  private Step relay(ByteBuf query) {
    offered = query;
    return Step.RELAY;
  }

  /**
   * Every frame on its way to the server. One that is not a cacheable call (or this switch) ends
   * the session's use of the cache, and from then on marks each connection it goes to as one whose
   * settings the cache cannot vouch for.
   */
  public void beforeRelay(ByteBuf frame, ServerConnection server) {
    if (frame == offered) {
      offered = null;
      if (usable) {
        return; // read in offer already
      }
    } else if (usable && !isCacheable(frame)) {
      usable = false;
    }
    if (!usable && server != null && !server.settingsUnknown()) {
      server.markSettingsUnknown();
    }
  }

  /**
   * What goes ahead of this session's traffic on {@code server}: nothing, or, when this session
   * still answers from the cache but the connection carried another client's traffic since its
   * last reset (transaction mode hands connections on without DISCARD ALL), the statements that
   * bring it back to the server's defaults. Without them such a connection would never fill the
   * cache again, and in a busy pool soon none would; with them this session gets what a fresh
   * connection would give it (its own startup settings follow, see ClientParameters). Clears the
   * connection's applied client settings, which the reset undoes, and marks it known again.
   */
  public String resetBeforeUse(ServerConnection server) {
    if (cache == null || !usable || !switchedOn || !server.settingsUnknown()
        || cache.settings().functions().isEmpty()) {
      return "";
    }
    server.clientSettings().clear();
    server.settingsReset();
    return RESET_SETTINGS;
  }

  private boolean isCacheable(ByteBuf frame) {
    if (cache == null || frame.getByte(frame.readerIndex()) != MessageType.QUERY) {
      return false;
    }
    Optional<String> text = QueryText.of(frame);
    return text.isPresent() && (CacheableCall.match(text.get(), cache.settings().functions().keySet()).isPresent()
        || HarmlessStatement.matches(text.get()));
  }

  /** A frame from the server on its way to the client (the session still owns it). */
  public void fromServer(ByteBuf frame) {
    if (recorder != null && frame.getByte(frame.readerIndex()) != MessageType.READY_FOR_QUERY) {
      recorder.record(frame);
    }
  }

  /** The ReadyForQuery that settles the client's Query came, from {@code server}. */
  public void answered(TransactionStatus status, ServerConnection server) {
    if (leading == null) {
      return;
    }
    AnswerCache.FlightKey flight = leading;
    AnswerRecorder reply = recorder;
    leading = null;
    recorder = null;
    boolean trusted = status == TransactionStatus.IDLE && server != null && !server.settingsUnknown();
    Flight.Outcome outcome = !trusted ? new Flight.Outcome.GoAlone() : switch (reply.verdict()) {
      case ANSWER -> new Flight.Outcome.Answered(reply.bytes());
      case FAILURE -> new Flight.Outcome.Failed(reply.bytes());
      case UNSHARABLE -> new Flight.Outcome.GoAlone();
    };
    cache.land(flight, outcome);
  }

  /**
   * A CancelRequest with this session's key came while it waits for a call in flight: the wait ends
   * as PostgreSQL ends a cancelled statement (see {@link FlightWait#cancel}). False when the session
   * was not waiting. On the session's loop.
   */
  public boolean cancelWait() {
    return waiting != null && waiting.cancel();
  }

  /** The session ends: a call it leads goes to its waiters as unshared, a wait is dropped. */
  public void close() {
    if (leading != null) {
      cache.abandon(leading);
      leading = null;
      recorder = null;
    }
    if (waiting != null) {
      waiting.close();
      waiting = null;
    }
  }

  /** Whether this session still answers from the cache (tests). */
  public boolean usable() {
    return usable && switchedOn;
  }
}
