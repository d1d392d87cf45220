package org.postgresml.operator.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.config.OperatorSettings;
import org.postgresml.operator.render.ClientAuthSecretRenderer;
import org.postgresml.operator.render.FleetNames;
import org.postgresml.operator.render.FleetRenderer;
import org.postgresml.operator.validation.InputsResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints, without a cluster, every object the operator would create for the PgmlProxies in a file. */
@Command(name = "render", mixinStandardHelpOptions = true,
    description = "Print the objects the operator would create for the PgmlProxy resources in FILE "
        + "(for reviews and GitOps). Secrets referenced but not in FILE are replaced by stand-ins.")
public final class RenderCommand implements Callable<Integer> {

  static final String REDACTED = "<redacted: use --show-secrets>";

  @Spec
  CommandSpec spec;

  @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE",
      description = "YAML file with PgmlProxy resources and, optionally, the Secrets they reference; - reads stdin.")
  String file;

  @Option(names = "--show-secrets", description = "Print Secret data instead of redacting it.")
  boolean showSecrets;

  @Option(names = "--default-image", paramLabel = "IMAGE", description = "Proxy image for PgmlProxies without spec.image.")
  String defaultImage = OperatorSettings.defaultImageForThisVersion();

  @Option(names = "--service-monitor-crd", description = "Render as if the cluster had the ServiceMonitor CRD.")
  boolean serviceMonitorCrd = true;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<HasMetadata> documents = read();
    Map<String, Secret> secrets = new LinkedHashMap<>();
    List<PgmlProxy> proxies = new ArrayList<>();
    for (HasMetadata document : documents) {
      if (document instanceof Secret secret) {
        secrets.put(secret.getMetadata().getName(), secret);
      } else if (document instanceof PgmlProxy proxy) {
        proxies.add(proxy);
      }
    }
    if (proxies.isEmpty()) {
      err.println("render: " + file + " holds no PgmlProxy");
      return 2;
    }
    InputsResolver resolver = new InputsResolver(defaultImage);
    KubernetesSerialization serialization = new KubernetesSerialization();
    int exit = 0;
    for (PgmlProxy proxy : proxies) {
      if (proxy.getMetadata().getNamespace() == null) {
        proxy.getMetadata().setNamespace("default");
      }
      PlaceholderSecrets lookup = new PlaceholderSecrets(proxy, secrets);
      var resolution = resolver.resolve(proxy, lookup, serviceMonitorCrd);
      if (resolution instanceof InputsResolver.Unresolved unresolved) {
        err.println("render: " + proxy.getMetadata().getName() + ": " + unresolved.problem().message());
        exit = 1;
        continue;
      }
      lookup.standInsUsed().forEach(name -> err.println("render: " + proxy.getMetadata().getName()
          + ": Secret " + name + " is not in the file; a stand-in was used"));
      var inputs = ((InputsResolver.Resolved) resolution).inputs();
      for (HasMetadata object : FleetRenderer.render(proxy, inputs, ClientAuthSecretRenderer::newPassword)) {
        if (object instanceof Secret secret && !showSecrets && !FleetNames.configSecret(proxy).equals(secret.getMetadata().getName())) {
          // The configuration Secret holds no secret by design (URL via env, passwords via files): it stays readable.
          secret.getData().replaceAll((key, value) -> REDACTED);
        }
        out.print(serialization.asYaml(object));
      }
    }
    out.flush();
    return exit;
  }

  private List<HasMetadata> read() throws IOException {
    KubernetesSerialization serialization = new KubernetesSerialization();
    // Make sure the PgmlProxy kind is known to the deserializer.
    serialization.registerKubernetesResource(PgmlProxy.class);
    try (InputStream in = "-".equals(file) ? System.in : Files.newInputStream(Path.of(file))) {
      Object parsed = serialization.unmarshal(in);
      List<HasMetadata> documents = new ArrayList<>();
      if (parsed instanceof List<?> list) {
        list.stream().filter(HasMetadata.class::isInstance).map(HasMetadata.class::cast).forEach(documents::add);
      } else if (parsed instanceof io.fabric8.kubernetes.api.model.KubernetesList list) {
        documents.addAll(list.getItems());
      } else if (parsed instanceof HasMetadata single) {
        documents.add(single);
      }
      return documents;
    }
  }
}
