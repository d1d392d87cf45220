package org.postgresml.proxy.session;

import java.util.Map;
import java.util.Optional;
import org.postgresml.proxy.config.PoolMode;
import org.postgresml.proxy.pool.AcceptedSettings;
import org.postgresml.proxy.pool.PoolMetrics;
import org.postgresml.proxy.pool.ServerConnectionProvider;
import org.postgresml.proxy.prepared.PreparedCatalog;
import org.postgresml.proxy.protocol.frontend.StartupMessage;

/**
 * The server side of a session test, all but the connections: a fixed address, pool mode and
 * meters, and none of a pool's extras (no accepted settings, no prepared catalog, no server
 * defaults). Subclasses say how connections are handed out, taken back and cancelled.
 */
abstract class StubServerProvider implements ServerConnectionProvider {

  private final String address;
  private final PoolMode mode;
  private final PoolMetrics meters;

  /** @param meters what {@link #meters} answers for every client (null: none) */
  StubServerProvider(String address, PoolMode mode, PoolMetrics meters) {
    this.address = address;
    this.mode = mode;
    this.meters = meters;
  }

  @Override
  public String describe() {
    return address;
  }

  @Override
  public PoolMode mode() {
    return mode;
  }

  @Override
  public PoolMetrics meters(StartupMessage client) {
    return meters;
  }

  @Override
  public AcceptedSettings acceptedSettings(StartupMessage client) {
    return AcceptedSettings.NONE;
  }

  @Override
  public PreparedCatalog catalog(StartupMessage client) {
    return PreparedCatalog.NONE;
  }

  @Override
  public Optional<Map<String, String>> serverDefaults(StartupMessage client) {
    return Optional.empty();
  }
}
