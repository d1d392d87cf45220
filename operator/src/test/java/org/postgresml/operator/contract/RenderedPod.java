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
 * the only change made to what the operator rendered. Each Secret volume is laid out as the kubelet
 * lays it out (KubeletSecretVolume), and {@link #update} changes it as the kubelet does.
 */
final class RenderedPod {

  static final String MOUNT_PREFIX = "/etc/pgml-proxy";

  final List<String> args;
  final Map<String, String> env;
  /** Where each Secret's volume is, by Secret name, and which of its keys it holds. */
  private final Map<String, Path> volumeDirs;
  private final Map<String, Volume> volumesBySecret;
  private final String prefix;

  private RenderedPod(List<String> args, Map<String, String> env, Map<String, Path> volumeDirs,
      Map<String, Volume> volumesBySecret, String prefix) {
    this.args = args;
    this.env = env;
    this.volumeDirs = volumeDirs;
    this.volumesBySecret = volumesBySecret;
    this.prefix = prefix;
  }

  /** What the kubelet does when a mounted Secret changes: the volume's files swapped at once. */
  void update(Secret secret) throws IOException {
    String name = secret.getMetadata().getName();
    Path dir = volumeDirs.get(name);
    if (dir == null) {
      throw new IllegalStateException("the pod mounts no Secret " + name);
    }
    KubeletSecretVolume.write(dir, files(volumesBySecret.get(name), secret, prefix));
  }

  static RenderedPod materialize(Deployment deployment, Map<String, Secret> secrets, Path root) throws IOException {
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, Volume> volumes = new LinkedHashMap<>();
    deployment.getSpec().getTemplate().getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
    String prefix = root.toString();
    Map<String, Path> volumeDirs = new LinkedHashMap<>();
    Map<String, Volume> volumesBySecret = new LinkedHashMap<>();

    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume = volumes.get(mount.getName());
      if (volume.getSecret() == null) {
        continue; // emptyDir (/tmp): the test JVM has its own
      }
      Secret secret = require(secrets, volume.getSecret().getSecretName());
      Path dir = Path.of(mount.getMountPath().replace(MOUNT_PREFIX, prefix));
      KubeletSecretVolume.write(dir, files(volume, secret, prefix));
      volumeDirs.put(secret.getMetadata().getName(), dir);
      volumesBySecret.put(secret.getMetadata().getName(), volume);
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
    return new RenderedPod(args, env, volumeDirs, volumesBySecret, prefix);
  }

  /** The files of a Secret volume: each item's key under its path. */
  private static Map<String, String> files(Volume volume, Secret secret, String prefix) {
    Map<String, String> files = new LinkedHashMap<>();
    for (KeyToPath item : volume.getSecret().getItems()) {
      String content = SecretLookup.value(secret, item.getKey())
          .orElseThrow(() -> new IllegalStateException("Secret " + secret.getMetadata().getName()
              + " lacks key " + item.getKey()));
      files.put(item.getPath(), content.replace(MOUNT_PREFIX, prefix));
    }
    return files;
  }

  private static Secret require(Map<String, Secret> secrets, String name) {
    Secret secret = secrets.get(name);
    if (secret == null) {
      throw new IllegalStateException("the Deployment reads Secret " + name + ", which was not rendered or given");
    }
    return secret;
  }
}
