package org.postgresml.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;
import org.postgresml.proxy.config.ConfigException;
import org.postgresml.proxy.config.ProxySettings.ClientTls;

/** The TLS server context the proxy uses towards its clients, from PEM certificate and key. */
public final class ClientTlsContext {

  private ClientTlsContext() {}

  public static SslContext create(ClientTls tls) {
    try {
      return SslContextBuilder.forServer(tls.certFile().toFile(), tls.keyFile().toFile()).build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigException("cannot use TLS certificate " + tls.certFile() + " with key " + tls.keyFile()
          + ": " + e.getMessage(), e);
    }
  }
}
