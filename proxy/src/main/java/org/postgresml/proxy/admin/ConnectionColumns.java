package org.postgresml.proxy.admin;

import java.util.Arrays;
import java.util.List;

/** The columns {@code SHOW CLIENTS} and {@code SHOW SERVERS} share, as PgBouncer prints them. */
final class ConnectionColumns {

  static final List<String> NAMES = List.of("type", "user", "database", "state", "addr", "port", "local_addr",
      "local_port", "connect_time", "request_time", "wait", "wait_us", "close_needed", "ptr", "link", "remote_pid",
      "tls", "application_name");

  private ConnectionColumns() {}

  static List<List<String>> rows(List<AdminContext.ConnectionInfo> connections) {
    return connections.stream().map(ConnectionColumns::row).toList();
  }

  private static List<String> row(AdminContext.ConnectionInfo c) {
    return Arrays.asList(c.type(), c.user(), c.database(), c.state(), c.address(), Integer.toString(c.port()),
        c.localAddress(), Integer.toString(c.localPort()), c.connectTime(), c.requestTime(),
        Long.toString(c.waitMicros() / 1_000_000), Long.toString(c.waitMicros() % 1_000_000), "0", c.id(),
        c.link(), c.remotePid() == null ? "0" : c.remotePid().toString(), c.tls(), c.applicationName());
  }
}
