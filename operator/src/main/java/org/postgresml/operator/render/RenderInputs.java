package org.postgresml.operator.render;

import java.util.Map;
import java.util.TreeMap;

/**
 * What rendering needs besides the PgmlProxy itself, gathered from the cluster (or from the file
 * given to {@code render}) before rendering, so that rendering stays a pure function.
 *
 * @param image proxy image to run (spec.image or the operator's default)
 * @param clientUsername user name clients log in with (from the client-auth Secret)
 * @param secretDigests digest of each Secret key the pods read, by {@code <secret>/<key>}; a change rolls the pods
 * @param serviceMonitorSupported whether the cluster knows the ServiceMonitor kind
 */
public record RenderInputs(String image, String clientUsername, Map<String, String> secretDigests,
    boolean serviceMonitorSupported) {

  public RenderInputs {
    secretDigests = new TreeMap<>(secretDigests);
  }
}
