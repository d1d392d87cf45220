package org.postgresml.proxy.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.ProxyProcess;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.FreePorts;

/**
 * A client that puts a line break, a quote and a terminal escape into its user and database names,
 * before any login, cannot write a line of its choosing into the proxy's log: the real jar's stderr,
 * in both formats, keeps one event per line with the names escaped.
 */
class LogForgingIT {

  /** What an attacker would like an operator (or a log pipeline) to read. */
  private static final String FORGED = "2026-12-01T00:00:00.000Z INFO  session client authenticated";
  private static final String USER = "mallory\n" + FORGED + " user=\"admin\"\r\u001b[2J";
  private static final String DATABASE = "db\" user=\"admin";
  private static final Pattern TEXT_LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S* "
      + "(TRACE|DEBUG|INFO |WARN |ERROR) .*");

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create();

  @BeforeAll
  static void jarBuilt() {
    assertThat(ProxyProcess.JAR).as("built by the package phase").exists();
  }

  @Test
  void textLogEscapesClientChosenNames() throws Exception {
    try (ProxyProcess proxy = launch("text")) {
      List<String> lines = linesAfterTheForgery(proxy);
      assertThat(lines).allSatisfy(line -> assertThat(line).matches(TEXT_LINE));
      assertThat(lines).noneMatch(line -> line.startsWith(FORGED));
      assertThat(lines).noneMatch(line -> line.contains("\u001b") || line.contains("\r"));
      String disconnected = lines.stream().filter(line -> line.contains("client disconnected")).findFirst()
          .orElseThrow();
      // Exactly one user pair, one database pair: the quotes inside the values are escaped.
      assertThat(disconnected).contains("user=\"mallory\\n" + FORGED + " user=\\\"admin\\\"\\r\\u001b[2J\"")
          .contains("database=\"db\\\" user=\\\"admin\"");
    }
  }

  @Test
  void jsonLogKeepsOneObjectPerLineWithTheNamesIntact() throws Exception {
    try (ProxyProcess proxy = launch("json")) {
      ObjectMapper json = new ObjectMapper();
      List<JsonNode> events = new ArrayList<>();
      for (String line : linesAfterTheForgery(proxy)) {
        events.add(json.readTree(line)); // a forged line would not parse
      }
      JsonNode disconnected = events.stream().filter(event -> event.path("message").asText()
          .equals("client disconnected")).findFirst().orElseThrow();
      Map<String, String> pairs = new java.util.HashMap<>();
      disconnected.path("kvpList").forEach(pair -> pair.fields().forEachRemaining(
          field -> pairs.put(field.getKey(), field.getValue().asText())));
      assertThat(pairs).containsEntry("user", USER).containsEntry("database", DATABASE);
    }
  }

  private static ProxyProcess launch(String format) throws IOException {
    return ProxyProcess.launch(FreePorts.next(), Map.of(), List.of("--database-url", upstream.url("disable"),
        "--log-format", format)).awaitReady(Duration.ofSeconds(60));
  }

  // Sends the startup, leaves when asked for a password, and waits for the proxy's line about it.
  private static List<String> linesAfterTheForgery(ProxyProcess proxy) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(startup(Map.of("user", USER, "database", DATABASE)));
      out.flush();
      assertThat(socket.getInputStream().read()).as("asked for a password").isEqualTo('R');
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> proxy.stderr().contains("client disconnected"));
    return proxy.stderr().lines().filter(line -> !line.isEmpty()).toList();
  }

  private static byte[] startup(Map<String, String> parameters) {
    StringBuilder body = new StringBuilder();
    parameters.forEach((name, value) -> body.append(name).append('\0').append(value).append('\0'));
    byte[] text = body.append('\0').toString().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + text.length).putInt(8 + text.length).putInt(196608).put(text).array();
  }
}
