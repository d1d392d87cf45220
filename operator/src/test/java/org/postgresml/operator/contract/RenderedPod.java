package org.postgresml.operator.contract;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresml.operator.validation.SecretLookup;

/**
 * What the kubelet would give the proxy container of a rendered Deployment: its arguments, its
 * environment (secretKeyRef resolved) and its mounted Secret files. /etc/pgml-proxy is not
 * writable in a test, so the files go under a temporary directory and every path that starts with
 * the mount prefix (in the arguments and in the mounted files' content) is rewritten to it; that is
 * the only change made to what the operator rendered.
 */
final class RenderedPod {

  static final String MOUNT_PREFIX = "/etc/pgml-proxy";

  final List<String> args;
  final Map<String, String> env;

  private RenderedPod(List<String> args, Map<String, String> env) {
    this.args = args;
    this.env = env;
  }

  static RenderedPod materialize(Deployment deployment, Map<String, Secret> secrets, Path root) throws IOException {
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, Volume> volumes = new LinkedHashMap<>();
    deployment.getSpec().getTemplate().getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
    String prefix = root.toString();

    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume = volumes.get(mount.getName());
      if (volume.getSecret() == null) {
        continue; // emptyDir (/tmp): the test JVM has its own
      }
      Secret secret = require(secrets, volume.getSecret().getSecretName());
      Path dir = Path.of(mount.getMountPath().replace(MOUNT_PREFIX, prefix));
      Files.createDirectories(dir);
      for (KeyToPath item : volume.getSecret().getItems()) {
        String content = SecretLookup.value(secret, item.getKey())
            .orElseThrow(() -> new IllegalStateException("Secret " + secret.getMetadata().getName()
                + " lacks key " + item.getKey()));
        Files.writeString(dir.resolve(item.getPath()), content.replace(MOUNT_PREFIX, prefix));
      }
    }
    List<String> args = container.getArgs().stream().map(a -> a.replace(MOUNT_PREFIX, prefix)).toList();
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      if (var.getValueFrom() == null) {
        env.put(var.getName(), var.getValue());
      } else if (var.getValueFrom().getSecretKeyRef() != null) {
        var ref = var.getValueFrom().getSecretKeyRef();
        env.put(var.getName(), SecretLookup.value(require(secrets, ref.getName()), ref.getKey()).orElseThrow());
      } else {
        throw new IllegalStateException("env " + var.getName() + " comes from a source the test cannot resolve");
      }
    }
    return new RenderedPod(args, env);
  }

  private static Secret require(Map<String, Secret> secrets, String name) {
    Secret secret = secrets.get(name);
    if (secret == null) {
      throw new IllegalStateException("the Deployment reads Secret " + name + ", which was not rendered or given");
    }
    return secret;
  }
}
