package org.postgresml.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.postgresml.proxy.config.ConfigException;
import org.postgresml.proxy.config.ProxySettings.Upstream;
import org.postgresml.proxy.config.SslMode;

/**
 * The TLS client context towards the upstream, by libpq's sslmode: prefer and require encrypt
 * without checking the certificate (as libpq does), verify-ca checks the chain against the root CA,
 * verify-full also the host name. Empty for disable.
 */
public final class UpstreamTlsContext {

  private UpstreamTlsContext() {}

  public static Optional<SslContext> create(Upstream upstream) {
    if (upstream.sslMode() == SslMode.DISABLE) {
      return Optional.empty();
    }
    try {
      SslContextBuilder builder = SslContextBuilder.forClient();
      if (upstream.sslMode().verifiesCertificate()) {
        builder.trustManager(upstream.sslRootCert().orElseThrow().toFile());
      } else {
        builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
      }
      // Netty 4.2 checks host names by default; only verify-full asks for it.
      builder.endpointIdentificationAlgorithm(upstream.sslMode() == SslMode.VERIFY_FULL ? "HTTPS" : null);
      return Optional.of(builder.build());
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigException("cannot use upstream root CA " + upstream.sslRootCert().orElse(null) + ": "
          + e.getMessage(), e);
    }
  }
}
