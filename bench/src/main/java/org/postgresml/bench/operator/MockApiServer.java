package org.postgresml.bench.operator;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import org.postgresml.operator.api.PgmlProxy;

/**
 * The Fabric8 mock API server in CRUD mode, as the operator's ITs run it, with two clients: one for
 * the operator and one for the benchmark itself. The benchmark's client sends its own User-Agent,
 * so {@link ApiTraffic} can leave the benchmark's creates and polls out of the operator's count.
 */
public final class MockApiServer implements AutoCloseable {

  /** User-Agent of the benchmark's own requests. */
  public static final String BENCH_AGENT = "pgml-proxy-bench";
  /** Where the operator's build puts the generated CRD (crd-generator names it plural.group-v1.yml). */
  private static final String CRD_RESOURCE =
      "/META-INF/fabric8/" + PgmlProxy.PLURAL + "." + PgmlProxy.GROUP + "-v1.yml";

  /**
   * The mock server logs every request it answers through java.util.logging at INFO: thousands of
   * lines per run, and their cost would be measured as the operator's. Held here because
   * java.util.logging keeps its loggers only weakly.
   */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient operatorClient;
  private final KubernetesClient benchClient;

  private MockApiServer(KubernetesMockServer server, KubernetesClient operatorClient, KubernetesClient benchClient) {
    this.server = server;
    this.operatorClient = operatorClient;
    this.benchClient = benchClient;
  }

  /** Starts the server on a free loopback port and teaches it the PgmlProxy kind from its CRD. */
  public static MockApiServer start(String namespace) {
    KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
        new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init();
    KubernetesClient operatorClient = server.createClient();
    // The mock server's own client setup (URL, token, API group discovery), with another User-Agent.
    Config benchConfig = new ConfigBuilder(operatorClient.getConfiguration()).withUserAgent(BENCH_AGENT).build();
    KubernetesClient benchClient = server.createClient(builder -> builder.withConfig(benchConfig));
    MockApiServer api = new MockApiServer(server, operatorClient, benchClient);
    api.installCrd();
    benchClient.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
        .build()).create();
    return api;
  }

  private void installCrd() {
    try (InputStream yaml = PgmlProxy.class.getResourceAsStream(CRD_RESOURCE)) {
      if (yaml == null) {
        throw new IllegalStateException("no " + CRD_RESOURCE + " on the class path (is the operator built?)");
      }
      CustomResourceDefinition crd = benchClient.apiextensions().v1().customResourceDefinitions().load(yaml).item();
      benchClient.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + CRD_RESOURCE, e);
    }
  }

  public KubernetesMockServer server() {
    return server;
  }

  /** The client the operator runs with (the mock server's default, as in the operator's ITs). */
  public KubernetesClient operatorClient() {
    return operatorClient;
  }

  /** The benchmark's own client: creates the resources and polls their state. */
  public KubernetesClient benchClient() {
    return benchClient;
  }

  @Override
  public void close() {
    benchClient.close();
    operatorClient.close();
    server.destroy();
  }
}
