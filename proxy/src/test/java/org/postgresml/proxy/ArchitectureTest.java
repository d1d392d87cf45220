package org.postgresml.proxy;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.postgresml.testing.arch.PackageLayers;
import org.postgresml.testing.arch.PackageLayers.Layer;

/**
 * The proxy's packages and the direction of their arrows. Each layer may use the layers below it,
 * never one above; packages of one layer may use each other, but no package graph may have a cycle.
 * A new package fails {@link #layers} until it is placed in {@link #LAYERS}: decide where it sits
 * by what it holds and what it needs.
 */
@AnalyzeClasses(packages = "org.postgresml.proxy", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String ROOT = "org.postgresml.proxy";

  /** Bottom first. */
  private static final List<Layer> LAYERS = List.of(
      // The wire format (one class per message), the settings, sockets and event-loop helpers:
      // everything else builds on them, and they know no other part of the proxy.
      new Layer("foundation", "protocol", "config", "net", "async"),
      // Single-purpose parts over the foundation: TLS contexts, SCRAM/md5 for both roles, the
      // prepared-statement bookkeeping of transaction mode, where the fleet's peers are.
      new Layer("parts", "tls", "auth", "prepared", "fleet"),
      // One server connection and its login. It reports upward only through interfaces of its own
      // (UpstreamEvents, ServerListener).
      new Layer("upstream", "upstream"),
      // Pools of server connections (locked state, sweeps, connect attempts) and ServerPools, the
      // adapter sessions get their server connection from. Reports through PoolListener.
      new Layer("pool", "pool"),
      // HTTP health and the process meters: implements the interfaces the layers below report to.
      new Layer("observe", "observe"),
      // What a session calls besides its pool: cancel routing (local and fleet-wide), the AI-call cache.
      new Layer("services", "cancel", "cache"),
      // The client session state machine, transaction pooling and the server lease beside it.
      new Layer("session", "session"),
      // The proxy's own databases: the admin console (its wire side, a handler a session login swaps
      // in, and its commands) and the login warm-up's.
      new Layer("local databases", "admin", "warmup"),
      // Main and ProxyServer: composition, the channel initializer, reload and drain.
      new Layer("server", ""));

  @ArchTest
  static final ArchRule layers = PackageLayers.rule(ROOT, LAYERS);

  @ArchTest
  static final ArchRule noCycles = slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();
}
