package org.postgresml.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.List;
import javax.net.ssl.SSLException;
import org.postgresml.proxy.config.ConfigException;
import org.postgresml.proxy.config.ProxySettings.ClientTls;

/**
 * The TLS server context the proxy uses towards its clients, from PEM certificate and key: TLS 1.3,
 * and TLS 1.2 only with ephemeral key exchange and an AEAD cipher, so that a recorded session cannot
 * be decrypted later with the proxy's key (no static RSA key exchange) and no CBC/SHA-1 suite is left.
 */
public final class ClientTlsContext {

  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** Forward-secret AEAD suites, strongest first; those the runtime lacks are left out. */
  static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_256_GCM_SHA384",
      "TLS_AES_128_GCM_SHA256",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private ClientTlsContext() {}

  public static SslContext create(ClientTls tls) {
    try {
      return SslContextBuilder.forServer(tls.certFile().toFile(), tls.keyFile().toFile())
          .protocols(PROTOCOLS)
          .ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE)
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigException("cannot use TLS certificate " + tls.certFile() + " with key " + tls.keyFile()
          + ": " + e.getMessage(), e);
    }
  }
}
