package org.postgresml.packaging;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.FleetRenderer;
import org.postgresml.operator.render.RenderInputs;
import org.postgresml.operator.validation.InputsResolver;
import org.postgresml.operator.validation.SecretLookup;

/**
 * The proxy pod the operator renders for an example, as a kubelet would hand it to the container:
 * args, env with {@code secretKeyRef} resolved, and each Secret volume written to a host directory
 * (items at their paths, the volume's {@code defaultMode}, group {@code fsGroup}) that is mounted
 * read-only at the rendered mount path. Unlike the operator's in-process contract test nothing is
 * rewritten: the image has the real {@code /etc/pgml-proxy} directories. The only input changed is
 * the example's placeholder URL in its Secret, which points at the test's PostgreSQL.
 */
record RenderedProxyPod(Deployment deployment, Container container, List<String> args, Map<String, String> env,
    List<String> readOnlyVolumes, String user, String clientUsername, String clientPassword) {

  static final String NAMESPACE = "default";

  static RenderedProxyPod render(Path example, String urlSecretName, String databaseUrl, Path mounts)
      throws IOException {
    List<HasMetadata> objects = ExamplesTest.MANIFESTS.parse(example);
    PgmlProxy proxy = objects.stream().filter(PgmlProxy.class::isInstance).map(PgmlProxy.class::cast)
        .findFirst().orElseThrow();
    // kubectl apply -f example.yaml without -n: the default namespace.
    proxy.getMetadata().setNamespace(NAMESPACE);
    Map<String, Secret> secrets = new LinkedHashMap<>();
    for (HasMetadata object : objects) {
      if (object instanceof Secret secret) {
        secrets.put(secret.getMetadata().getName(), secret);
      }
    }
    Secret urlSecret = secrets.get(urlSecretName);
    if (urlSecret == null) {
      throw new AssertionError(example + " has no Secret " + urlSecretName);
    }
    String urlKey = proxy.getSpec().upstream.urlSecretRef.key;
    secrets.put(urlSecretName, new SecretBuilder(urlSecret).withData(null)
        .withStringData(Map.of(urlKey, databaseUrl)).build());

    var resolution = new InputsResolver("unused:image").resolve(proxy,
        name -> Optional.ofNullable(secrets.get(name)), false);
    if (!(resolution instanceof InputsResolver.Resolved resolved)) {
      throw new AssertionError("the operator refuses " + example + ": " + resolution);
    }
    RenderInputs inputs = resolved.inputs();
    String clientPassword = "image-test-client-pw";
    Deployment deployment = null;
    for (HasMetadata object : FleetRenderer.render(proxy, inputs, () -> clientPassword)) {
      if (object instanceof Secret secret) {
        secrets.put(secret.getMetadata().getName(), secret);
      } else if (object instanceof Deployment rendered) {
        deployment = rendered;
      }
    }
    if (deployment == null) {
      throw new AssertionError("the operator rendered no Deployment for " + example);
    }
    var pod = deployment.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    List<String> volumes = materializeSecretVolumes(pod.getVolumes(), container.getVolumeMounts(), secrets,
        pod.getSecurityContext(), mounts);
    return new RenderedProxyPod(deployment, container, List.copyOf(container.getArgs()), env(container, secrets),
        volumes, user(pod.getSecurityContext(), container), inputs.clientUsername(), clientPassword);
  }

  /** Seconds the kubelet waits after SIGTERM before it kills the container. */
  long terminationGracePeriodSeconds() {
    Long grace = deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
    return grace != null ? grace : 30;
  }

  private static Map<String, String> env(Container container, Map<String, Secret> secrets) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar variable : container.getEnv()) {
      if (variable.getValueFrom() == null) {
        env.put(variable.getName(), variable.getValue());
      } else if (variable.getValueFrom().getSecretKeyRef() != null) {
        var ref = variable.getValueFrom().getSecretKeyRef();
        env.put(variable.getName(), SecretLookup.value(require(secrets, ref.getName()), ref.getKey()).orElseThrow(
            () -> new AssertionError("Secret " + ref.getName() + " lacks key " + ref.getKey())));
      } else {
        throw new AssertionError("env " + variable.getName() + " comes from a source the test cannot resolve");
      }
    }
    return env;
  }

  /** {@code runAsUser:runAsGroup}, the container's security context over the pod's. */
  private static String user(PodSecurityContext pod, Container container) {
    var own = container.getSecurityContext();
    Long uid = own != null && own.getRunAsUser() != null ? own.getRunAsUser() : pod.getRunAsUser();
    Long gid = own != null && own.getRunAsGroup() != null ? own.getRunAsGroup() : pod.getRunAsGroup();
    if (uid == null) {
      return null; // the image's USER
    }
    return gid != null ? uid + ":" + gid : uid.toString();
  }

  private static List<String> materializeSecretVolumes(List<Volume> volumes, List<VolumeMount> mounts,
      Map<String, Secret> secrets, PodSecurityContext security, Path dir) throws IOException {
    Map<String, Volume> byName = new LinkedHashMap<>();
    volumes.forEach(volume -> byName.put(volume.getName(), volume));
    List<String> bindings = new ArrayList<>();
    for (VolumeMount mount : mounts) {
      Volume volume = byName.get(mount.getName());
      if (volume.getEmptyDir() != null && "/tmp".equals(mount.getMountPath())) {
        continue; // every container run gets an in-memory /tmp
      }
      if (volume.getSecret() == null) {
        throw new AssertionError("volume " + volume.getName() + " is neither a Secret nor the /tmp emptyDir");
      }
      Secret secret = require(secrets, volume.getSecret().getSecretName());
      Path hostDir = Files.createDirectories(dir.resolve(volume.getName()));
      int mode = volume.getSecret().getDefaultMode() != null ? volume.getSecret().getDefaultMode() : 0644;
      for (KeyToPath item : volume.getSecret().getItems()) {
        String content = SecretLookup.value(secret, item.getKey()).orElseThrow(() -> new AssertionError(
            "Secret " + secret.getMetadata().getName() + " lacks key " + item.getKey()));
        Path file = Files.writeString(hostDir.resolve(item.getPath()), content);
        Files.setPosixFilePermissions(file, permissions(item.getMode() != null ? item.getMode() : mode));
        if (security != null && security.getFsGroup() != null) {
          Files.setAttribute(file, "unix:gid", security.getFsGroup().intValue());
        }
      }
      Files.setPosixFilePermissions(hostDir, PosixFilePermissions.fromString("rwxr-xr-x"));
      bindings.add(hostDir + ":" + mount.getMountPath() + (Boolean.TRUE.equals(mount.getReadOnly()) ? ":ro" : ""));
    }
    return bindings;
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < bits.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        permissions.add(bits[bit]);
      }
    }
    return permissions;
  }

  private static Secret require(Map<String, Secret> secrets, String name) {
    Secret secret = secrets.get(name);
    if (secret == null) {
      throw new AssertionError("the Deployment reads Secret " + name + ", which was neither rendered nor in the example");
    }
    return secret;
  }
}
