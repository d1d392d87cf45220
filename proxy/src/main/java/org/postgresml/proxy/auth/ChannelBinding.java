package org.postgresml.proxy.auth;

import com.ongres.scram.common.util.TlsServerEndpoint;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * A client connection's tls-server-end-point channel binding data (RFC 5929 section 4.1): the hash
 * of the certificate the proxy presented on it, SHA-256 unless the certificate's signature uses a
 * stronger hash. A client that computes the same from the certificate it received knows its TLS
 * ends at the proxy.
 */
public final class ChannelBinding {

  private ChannelBinding() {}

  /** Empty without TLS (or before the handshake finished). */
  public static Optional<byte[]> tlsServerEndPoint(Channel channel) {
    SslHandler tls = channel.pipeline().get(SslHandler.class);
    if (tls == null || !tls.handshakeFuture().isSuccess()) {
      return Optional.empty();
    }
    Certificate[] presented = tls.engine().getSession().getLocalCertificates();
    if (presented == null || presented.length == 0 || !(presented[0] instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    try {
      return Optional.of(TlsServerEndpoint.getChannelBindingData(leaf));
    } catch (CertificateEncodingException e) {
      return Optional.empty(); // then -PLUS is not offered, as by a server that cannot bind
    }
  }
}
