package org.postgresml.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.ClientUserMethod;
import org.postgresml.operator.api.spec.ClientUserSpec;
import org.postgresml.operator.api.spec.PoolMode;
import org.postgresml.operator.api.spec.SecretKeyRef;
import org.postgresml.operator.api.spec.SecretRef;
import org.postgresml.operator.api.spec.SslMode;
import org.postgresml.operator.api.spec.TlsSpec;
import org.postgresml.operator.testing.Fixtures;

class ProxyConfigRendererTest {

  @Test
  void defaultsRenderTheDocumentedFile() {
    assertThat(ProxyConfigRenderer.render(Fixtures.proxy("p"), "pgml")).isEqualTo("""
        listen:
          host: 0.0.0.0
          port: 6432
        http:
          port: 9930
        upstream:
          sslMode: require
          connectTimeout: 10s
        clientAuth:
          method: scram-sha-256
          users:
          - name: pgml
            passwordFile: /etc/pgml-proxy/client-auth/password
        pool:
          mode: session
          size: 20
          minSize: 2
          maxClientConn: 1000
          queryWaitTimeout: 30s
          serverIdleTimeout: 10m
          serverLifetime: 1h
        timeouts:
          shutdown: 30s
          shutdownGrace: 5s
        log:
          format: json
          connections: true
        """);
  }

  @Test
  void connectionLinesCanBeTurnedOff() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().logConnections = false;
    assertThat(ProxyConfigRenderer.render(proxy, "pgml")).contains("""
        log:
          format: json
          connections: false
        """);
  }

  @Test
  void tlsAndUpstreamCaPointAtTheMountedFiles() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().tls = new TlsSpec();
    proxy.getSpec().tls.secretRef = new SecretRef("proxy-tls");
    proxy.getSpec().tls.required = true;
    proxy.getSpec().upstream.sslMode = SslMode.VERIFY_FULL;
    proxy.getSpec().upstream.caSecretRef = new SecretKeyRef("pgml-ca", "root.pem");
    proxy.getSpec().pool.mode = PoolMode.transaction;

    String yaml = ProxyConfigRenderer.render(proxy, "app");

    assertThat(yaml).contains("""
        upstream:
          sslMode: verify-full
          sslRootCert: /etc/pgml-proxy/upstream-ca/ca.crt
        """, """
        tls:
          certFile: /etc/pgml-proxy/tls/tls.crt
          keyFile: /etc/pgml-proxy/tls/tls.key
          required: true
        """, "mode: transaction", "- name: app");
  }

  @Test
  void whenASessionTakesItsServerIsRenderedOnlyWhenSet() {
    PgmlProxy proxy = Fixtures.proxy("p");
    assertThat(ProxyConfigRenderer.render(proxy, "pgml")).doesNotContain("sessionServerAt");
    proxy.getSpec().pool.sessionServerAt = "login";
    assertThat(ProxyConfigRenderer.render(proxy, "pgml")).contains("""
          serverLifetime: 1h
          sessionServerAt: login
        """);
  }

  @Test
  void carriesNoUrlAndNoPassword() {
    String yaml = ProxyConfigRenderer.render(Fixtures.proxy("p"), "pgml");
    assertThat(yaml).doesNotContain("url", "postgres://", "password:");
  }

  @Test
  void listedUsersGetTheirMethodAddressAndMountedPasswordFile() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().clientAuth.users.add(user("app", ClientUserMethod.SCRAM_SHA_256, null,
        new SecretKeyRef("app-pw", "pw")));
    proxy.getSpec().clientAuth.users.add(user("nightly_job", ClientUserMethod.TRUST, "10.0.4.0/24", null));

    assertThat(ProxyConfigRenderer.render(proxy, "pgml")).contains("""
        clientAuth:
          method: scram-sha-256
          users:
          - name: pgml
            passwordFile: /etc/pgml-proxy/client-auth/password
          - name: app
            method: scram-sha-256
            passwordFile: /etc/pgml-proxy/client-users/0/password
          - name: nightly_job
            method: trust
            address: 10.0.4.0/24
        pool:
        """);
  }

  static ClientUserSpec user(String name, ClientUserMethod method, String address, SecretKeyRef password) {
    ClientUserSpec user = new ClientUserSpec();
    user.name = name;
    user.method = method;
    user.address = address;
    user.passwordSecretRef = password;
    return user;
  }
}
