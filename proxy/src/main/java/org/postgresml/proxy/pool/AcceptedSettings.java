package org.postgresml.proxy.pool;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The startup settings (name and value) one pool's upstream has accepted before, with the value it
 * reported for each (the server's spelling). PostgreSQL refuses a bad startup setting at login; the
 * proxy can only learn the verdict by applying it, which costs a round trip. So a login with a
 * setting the pool has never applied waits for that verdict before it is answered, and every later
 * login with the same settings is answered at once, its settings sent ahead of its first message.
 * Thread-safe: a pool's sessions live on several event loops.
 */
public final class AcceptedSettings {

  /** Enough for any fleet's clients; past it the oldest is checked again when next asked for. */
  static final int CAPACITY = 1000;

  /** A record that knows nothing (no pools): every setting is checked. */
  public static final AcceptedSettings NONE = new AcceptedSettings(0);

  /** How many settings it remembers (0: none, {@link #NONE}); bounded so clients cannot grow it without end. */
  private final int capacity;
  /** "name\0value" (name in lower case) to the value the server reported, or "" when it reports none. */
  private final Map<String, String> accepted;

  public AcceptedSettings() {
    this(CAPACITY);
  }

  AcceptedSettings(int capacity) {
    this.capacity = capacity;
    this.accepted = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
        return size() > AcceptedSettings.this.capacity;
      }
    };
  }

  /** Whether every one of these settings was accepted before. */
  public boolean covers(Collection<? extends StartupSetting> settings) {
    synchronized (accepted) {
      for (StartupSetting setting : settings) {
        if (!accepted.containsKey(keyOf(setting))) {
          return false;
        }
      }
      return true;
    }
  }

  /** The server applied the setting; {@code reported} is how it reported the value (null: it reports none). */
  public void accepted(StartupSetting setting, String reported) {
    if (capacity == 0) {
      return;
    }
    synchronized (accepted) {
      accepted.put(keyOf(setting), reported == null ? "" : reported);
    }
  }

  /** How the server reported this value when it accepted it, if it reports the setting at all. */
  public Optional<String> reportedValue(StartupSetting setting) {
    synchronized (accepted) {
      String reported = accepted.get(keyOf(setting));
      return reported == null || reported.isEmpty() ? Optional.empty() : Optional.of(reported);
    }
  }

  private static String keyOf(StartupSetting setting) {
    return setting.key() + '\0' + setting.value();
  }
}
