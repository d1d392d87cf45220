package org.postgresml.operator.render;

import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.PgmlProxySpec;

/** The files a proxy pod reads: each Secret mounted read-only where ContainerLayout says. */
final class PodVolumes {

  /** Owner and group may read; the pod's fsGroup is the proxy's group. */
  private static final int READ_ONLY_MODE = 0440;

  private PodVolumes() {
  }

  static List<Volume> volumes(PgmlProxy proxy) {
    PgmlProxySpec spec = proxy.getSpec();
    List<Volume> volumes = new ArrayList<>();
    volumes.add(secretVolume("config", FleetNames.configSecret(proxy),
        item(ContainerLayout.CONFIG_FILE_NAME, ContainerLayout.CONFIG_FILE_NAME)));
    volumes.add(secretVolume("client-auth", FleetNames.clientAuthSecret(proxy),
        item(ContainerLayout.CLIENT_PASSWORD_KEY, ContainerLayout.CLIENT_PASSWORD_KEY)));
    for (int i = 0; i < spec.clientAuth.users.size(); i++) {
      var ref = spec.clientAuth.users.get(i).passwordSecretRef;
      if (ref != null) {
        volumes.add(secretVolume(ContainerLayout.clientUserVolume(i), ref.name,
            item(ref.key, ContainerLayout.CLIENT_PASSWORD_KEY)));
      }
    }
    volumes.add(secretVolume("fleet", FleetNames.fleetSecret(proxy),
        item(ContainerLayout.FLEET_SECRET_KEY, ContainerLayout.FLEET_SECRET_KEY)));
    if (spec.tls != null) {
      volumes.add(secretVolume("tls", spec.tls.secretRef.name,
          item(ContainerLayout.TLS_CERT_KEY, ContainerLayout.TLS_CERT_KEY),
          item(ContainerLayout.TLS_KEY_KEY, ContainerLayout.TLS_KEY_KEY)));
    }
    if (spec.upstream.caSecretRef != null) {
      volumes.add(secretVolume("upstream-ca", spec.upstream.caSecretRef.name,
          item(spec.upstream.caSecretRef.key, ContainerLayout.UPSTREAM_CA_FILE_NAME)));
    }
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().withMedium("Memory")
        .withSizeLimit(new Quantity("64Mi")).endEmptyDir().build());
    return volumes;
  }

  static List<VolumeMount> mounts(PgmlProxy proxy) {
    PgmlProxySpec spec = proxy.getSpec();
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount("config", ContainerLayout.CONFIG_DIR, true));
    mounts.add(mount("client-auth", ContainerLayout.CLIENT_AUTH_DIR, true));
    for (int i = 0; i < spec.clientAuth.users.size(); i++) {
      if (spec.clientAuth.users.get(i).passwordSecretRef != null) {
        mounts.add(mount(ContainerLayout.clientUserVolume(i), ContainerLayout.clientUserDir(i), true));
      }
    }
    mounts.add(mount("fleet", ContainerLayout.FLEET_DIR, true));
    if (spec.tls != null) {
      mounts.add(mount("tls", ContainerLayout.TLS_DIR, true));
    }
    if (spec.upstream.caSecretRef != null) {
      mounts.add(mount("upstream-ca", ContainerLayout.UPSTREAM_CA_DIR, true));
    }
    mounts.add(mount("tmp", ContainerLayout.TMP_DIR, false));
    return mounts;
  }

  private static Volume secretVolume(String name, String secretName, KeyToPath... items) {
    return new VolumeBuilder()
        .withName(name)
        .withNewSecret()
          .withSecretName(secretName)
          .withItems(items)
          .withDefaultMode(READ_ONLY_MODE)
        .endSecret()
        .build();
  }

  private static KeyToPath item(String key, String path) {
    return new KeyToPath(key, null, path);
  }

  /**
   * A writable mount leaves readOnly out instead of false: VolumeMount.readOnly is a Go bool with
   * omitempty, so the API server would store nothing and server-side apply would never match.
   */
  private static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder().withName(name).withMountPath(path).withReadOnly(readOnly ? Boolean.TRUE : null)
        .build();
  }
}
