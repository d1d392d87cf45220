package org.postgresml.operator.render;

/**
 * Paths, ports and user of the proxy image, as docs/configuration.md ("Files in the container
 * image") fixes them. The image (proxy/Dockerfile) must agree.
 */
public final class ContainerLayout {

  public static final String CONTAINER_NAME = "proxy";
  public static final String CONFIG_DIR = "/etc/pgml-proxy/config";
  public static final String CONFIG_FILE_NAME = "pgml-proxy.yaml";
  public static final String CONFIG_FILE = CONFIG_DIR + "/" + CONFIG_FILE_NAME;
  public static final String TLS_DIR = "/etc/pgml-proxy/tls";
  public static final String TLS_CERT_KEY = "tls.crt";
  public static final String TLS_KEY_KEY = "tls.key";
  public static final String UPSTREAM_CA_DIR = "/etc/pgml-proxy/upstream-ca";
  public static final String UPSTREAM_CA_FILE_NAME = "ca.crt";
  public static final String FLEET_DIR = "/etc/pgml-proxy/fleet";
  public static final String FLEET_SECRET_KEY = "secret";
  public static final String CLIENT_AUTH_DIR = "/etc/pgml-proxy/client-auth";
  public static final String CLIENT_USERNAME_KEY = "username";
  public static final String CLIENT_PASSWORD_KEY = "password";
  /** clientAuth.users[i]'s password file is CLIENT_USERS_DIR/i/password. */
  public static final String CLIENT_USERS_DIR = "/etc/pgml-proxy/client-users";

  /** Where the password of clientAuth.users[index] is mounted. */
  public static String clientUserDir(int index) {
    return CLIENT_USERS_DIR + "/" + index;
  }

  /** The pod volume of clientAuth.users[index]'s password. */
  public static String clientUserVolume(int index) {
    return "client-user-" + index;
  }
  /** The JVM and Netty need a writable temp dir under a read-only root file system. */
  public static final String TMP_DIR = "/tmp";

  /** Environment variable through which the upstream URL (with its password) reaches the proxy. */
  public static final String ENV_DATABASE_URL = "DATABASE_URL";

  public static final int PG_PORT = 6432;
  public static final String PG_PORT_NAME = "postgres";
  public static final int HTTP_PORT = 9930;
  public static final String HTTP_PORT_NAME = "http";
  public static final String LIVENESS_PATH = "/livez";
  public static final String READINESS_PATH = "/readyz";
  public static final String METRICS_PATH = "/metrics";

  /** Non-root user and group the proxy runs as. */
  public static final long RUN_AS_USER = 10001L;

  private ContainerLayout() {
  }
}
