package org.postgresml.proxy;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.postgresml.proxy.config.ConfigException;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.observe.LogSetup;
import org.slf4j.LoggerFactory;

/** {@code java -jar pgml-proxy.jar [options]}: runs until SIGTERM, SIGINT or SHUTDOWN, then drains and exits 0. */
public final class Main {

  private Main() {}

  /** Seconds a DNS answer is kept: fleet peers behind a headless Service come and go (the JDK keeps 30 s). */
  private static final String DNS_CACHE_SECONDS = "5";

  /** Netty's switch for its buffer leak detector; a value given on the command line wins. */
  static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";

  public static void main(String[] args) {
    // Before any Netty class loads. The detector (default "simple") wraps one buffer in 128 and takes
    // a stack trace for it, on the relay's hot path; the tests run it at "paranoid" and fail on a leak.
    if (System.getProperty(LEAK_DETECTION_PROPERTY) == null) {
      System.setProperty(LEAK_DETECTION_PROPERTY, "disabled");
    }
    if (java.security.Security.getProperty("networkaddress.cache.ttl") == null) {
      java.security.Security.setProperty("networkaddress.cache.ttl", DNS_CACHE_SECONDS);
    }
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    CommandLineParser.Outcome outcome = CommandLineParser.parse(args, System.getenv(), out, err);
    if (outcome.settings().isEmpty()) {
      System.exit(outcome.exitCode());
    }
    ProxySettings settings = outcome.settings().get();
    LogSetup.apply(settings.logFormat());
    ProxyServer server;
    try {
      server = new ProxyServer(settings, outcome.reloader());
      // SIGHUP re-reads the configuration, as PgBouncer and PostgreSQL do. Installed before the port
      // opens: the JVM's own answer to SIGHUP is to exit.
      ProxyServer reloadable = server;
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reloadable.reloadLogged());
      if (SignalDispositions.isIgnored(SignalDispositions.SIGHUP)) {
        LoggerFactory.getLogger(Main.class).warn("SIGHUP is ignored by this process (started under nohup?):"
            + " reload with RELOAD in the admin console or by changing the config file");
      }
      server.start();
    } catch (ConfigException e) {
      err.println("pgml-proxy: " + e.getMessage());
      System.exit(CommandLineParser.EXIT_USAGE);
      return;
    } catch (Exception e) { // also the undeclared BindException Netty rethrows from sync()
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      // Typically the port is taken: one line, the cause's own words.
      err.println("pgml-proxy: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    // SIGTERM (Kubernetes, tini) and SIGINT start the drain; the process exits 0 once it is done,
    // whichever of them or the admin console's SHUTDOWN began it. Handled as signals, not by a
    // shutdown hook: a hook cannot choose the exit status (the JVM's is 143 after SIGTERM), and the
    // admin SHUTDOWN has no hook to wait for.
    ProxyServer running = server;
    for (String name : List.of("TERM", "INT")) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> running.shutdownInBackground());
      } catch (IllegalArgumentException e) { // -Xrs, or the VM keeps the signal: the hook below still drains
        LoggerFactory.getLogger(Main.class).warn("cannot handle SIG" + name + ": " + e.getMessage());
      }
    }
    // Any other way out of the JVM (System.exit elsewhere) still drains; after a drain this returns at once.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.shutdownInBackground();
      running.stopped().exceptionally(failure -> null).join();
    }, "pgml-proxy-exit"));
    int status = 0;
    try {
      running.stopped().join();
    } catch (java.util.concurrent.CompletionException e) {
      LoggerFactory.getLogger(Main.class).atError().setCause(e.getCause()).log("shutdown failed");
      status = 1;
    }
    LogSetup.stop();
    System.exit(status);
  }
}
