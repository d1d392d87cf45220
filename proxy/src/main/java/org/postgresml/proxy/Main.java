package org.postgresml.proxy;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.postgresml.proxy.config.ConfigException;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.observe.LogSetup;

/** {@code java -jar pgml-proxy.jar [options]}: runs until SIGTERM or SIGINT, then drains. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
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
      server = new ProxyServer(settings).start();
    } catch (ConfigException e) {
      err.println("pgml-proxy: " + e.getMessage());
      System.exit(CommandLineParser.EXIT_USAGE);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.exit(1);
      return;
    } catch (RuntimeException e) {
      // Typically the port is taken; one line, the cause's own words.
      err.println("pgml-proxy: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdown(settings.shutdownTimeout());
      LogSetup.stop();
      stopped.countDown();
    }, "pgml-proxy-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
