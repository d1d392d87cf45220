package org.postgresml.operator.contract;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.FleetNames;
import org.postgresml.operator.render.FleetRenderer;
import org.postgresml.operator.render.RenderInputs;
import org.postgresml.operator.validation.InputsResolver;
import org.postgresml.proxy.CommandLineParser;
import org.postgresml.proxy.ProxyServer;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.testing.FreePorts;

/**
 * What the contract tests share: the operator's inputs and rendering of one PgmlProxy, and the real
 * proxy started from a {@link RenderedPod} exactly as the container's Main starts it.
 */
final class RenderedFleet {

  private RenderedFleet() {}

  /** The Deployment, the rendered Secrets by name, and the config file's text. */
  record Rendered(Deployment deployment, Map<String, Secret> secrets, String configFile) {}

  /** The inputs the reconciler would resolve, with {@code secrets} as the cluster's Secrets by name. */
  static RenderInputs inputs(PgmlProxy proxy, Map<String, Secret> secrets) {
    var resolution = new InputsResolver("unused:image").resolve(proxy,
        name -> Optional.ofNullable(secrets.get(name)), false);
    return ((InputsResolver.Resolved) resolution).inputs();
  }

  static Rendered render(PgmlProxy proxy, RenderInputs inputs, String clientPassword) {
    Deployment deployment = null;
    Map<String, Secret> secrets = new LinkedHashMap<>();
    for (HasMetadata object : FleetRenderer.render(proxy, inputs, () -> clientPassword)) {
      if (object instanceof Secret secret) {
        secrets.put(secret.getMetadata().getName(), secret);
      } else if (object instanceof Deployment d) {
        deployment = d;
      }
    }
    String file = new String(Base64.getDecoder().decode(secrets.get(FleetNames.configSecret(proxy))
        .getData().get("pgml-proxy.yaml")), StandardCharsets.UTF_8);
    return new Rendered(deployment, secrets, file);
  }

  /**
   * The proxy with the pod's arguments, environment and files, on loopback ports (--http-port 0
   * would switch HTTP off, so a free port is picked for it). As Main starts it: a changed file (the
   * watcher), SIGHUP and RELOAD re-read the same flags and file.
   */
  static ProxyServer start(RenderedPod pod) throws Exception {
    List<String> args = new ArrayList<>(pod.args);
    args.addAll(List.of("--listen-host", "127.0.0.1", "--port", "0", "--http-port", Integer.toString(FreePorts.next())));
    StringWriter errors = new StringWriter();
    CommandLineParser.Outcome outcome = CommandLineParser.parse(args.toArray(String[]::new), pod.env,
        new PrintWriter(new StringWriter()), new PrintWriter(errors));
    ProxySettings settings = outcome.settings()
        .orElseThrow(() -> new AssertionError("the proxy refused the rendered pod: " + errors));
    return new ProxyServer(settings, outcome.reloader()).start();
  }
}
