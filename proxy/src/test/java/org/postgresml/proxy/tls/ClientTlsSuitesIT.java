package org.postgresml.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.testing.CertificateAuthority;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The suites the proxy's client-facing TLS accepts, tried by the JDK's own TLS client after a real
 * SSLRequest: each weak suite offered alone is refused, each forward-secret AEAD suite works, for
 * an RSA and an EC certificate.
 */
@ExtendWith(NettyLeakCheck.class)
class ClientTlsSuitesIT {

  private static Path dir;
  private static SSLContext clientContext;
  private static UpstreamDatabase upstream;
  private static RunningProxy rsaProxy;
  private static RunningProxy ecProxy;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("pgml-tls-suites-it");
    CertificateAuthority authority = CertificateAuthority.create("proxy suites CA");
    clientContext = trusting(authority);
    upstream = UpstreamDatabase.start();
    rsaProxy = proxy(authority.issueServerRsa(dir, "rsa", "localhost", "127.0.0.1"));
    ecProxy = proxy(authority.issueServer(dir, "ec", "localhost", "127.0.0.1"));
  }

  @AfterAll
  static void stop() throws IOException {
    for (AutoCloseable closeable : new AutoCloseable[] {rsaProxy, ecProxy, upstream}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    try (var files = Files.walk(dir)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  private static RunningProxy proxy(CertificateAuthority.IssuedCertificate certificate) {
    return RunningProxy.start(List.of("--database-url", upstream.url("disable"),
        "--tls-cert", certificate.certificateFile().toString(), "--tls-key", certificate.privateKeyFile().toString()));
  }

  @ParameterizedTest(name = "{1} on a {0} certificate is refused")
  @CsvSource({
      "RSA, TLS_RSA_WITH_AES_128_GCM_SHA256", // AES128-GCM-SHA256: no forward secrecy
      "RSA, TLS_RSA_WITH_AES_256_GCM_SHA384",
      "RSA, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", // ECDHE-RSA-AES128-SHA: CBC, SHA-1
      "RSA, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
      "RSA, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
      "EC, TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
      "EC, TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"})
  void weakTls12SuiteIsRefused(String key, String suite) {
    assertThatThrownBy(() -> handshake(key, "TLSv1.2", suite)).isInstanceOf(SSLException.class);
  }

  @ParameterizedTest(name = "{2} over {1} on a {0} certificate works")
  @CsvSource({
      "RSA, TLSv1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "RSA, TLSv1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "RSA, TLSv1.2, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      "EC, TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "EC, TLSv1.2, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "RSA, TLSv1.3, TLS_AES_128_GCM_SHA256",
      "EC, TLSv1.3, TLS_AES_256_GCM_SHA384",
      "EC, TLSv1.3, TLS_CHACHA20_POLY1305_SHA256"})
  void forwardSecretAeadSuiteWorks(String key, String protocol, String suite) throws IOException {
    assertThat(handshake(key, protocol, suite)).isEqualTo(suite);
  }

  // SSLRequest, 'S', then a TLS handshake offering only the given protocol and suite; the suite agreed.
  private static String handshake(String key, String protocol, String suite) throws IOException {
    int port = (key.equals("RSA") ? rsaProxy : ecProxy).port();
    try (Socket plain = new Socket("127.0.0.1", port)) {
      plain.setSoTimeout(10_000);
      plain.getOutputStream().write(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f});
      InputStream in = plain.getInputStream();
      assertThat((char) new DataInputStream(in).readByte()).isEqualTo('S');
      try (SSLSocket tls = (SSLSocket) clientContext.getSocketFactory().createSocket(plain, "localhost", port, true)) {
        tls.setEnabledProtocols(new String[] {protocol});
        tls.setEnabledCipherSuites(new String[] {suite});
        tls.startHandshake();
        return tls.getSession().getCipherSuite();
      }
    }
  }

  private static SSLContext trusting(CertificateAuthority authority) throws GeneralSecurityException, IOException {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    trusted.setCertificateEntry("ca", authority.certificate());
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
