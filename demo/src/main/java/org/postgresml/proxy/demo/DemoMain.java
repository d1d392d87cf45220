package org.postgresml.proxy.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar demo/target/pgml-proxy-demo.jar}: the whole path on embedded defaults, then cleanup. */
public final class DemoMain {

  private DemoMain() {}

  public static void main(String[] args) {
    quietProxyLogs();
    try {
      new Demo(System.out).run();
      System.exit(0);
    } catch (RuntimeException e) {
      System.err.println("demo failed: " + e.getMessage());
      System.exit(1);
    }
  }

  /** The proxy logs every connection at INFO; in the demo that would bury the results. */
  private static void quietProxyLogs() {
    if (LoggerFactory.getLogger("org.postgresml.proxy") instanceof Logger logger) {
      logger.setLevel(Level.WARN);
    }
  }
}
