package org.postgresml.proxy.auth;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.StringPreparation;
import com.ongres.scram.common.exception.ScramException;
import com.ongres.scram.common.util.TlsServerEndpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.postgresml.proxy.protocol.backend.AuthenticationCleartextPassword;
import org.postgresml.proxy.protocol.backend.AuthenticationMd5Password;
import org.postgresml.proxy.protocol.backend.AuthenticationMessage;
import org.postgresml.proxy.protocol.backend.AuthenticationOk;
import org.postgresml.proxy.protocol.backend.AuthenticationSasl;
import org.postgresml.proxy.protocol.backend.AuthenticationSaslContinue;
import org.postgresml.proxy.protocol.backend.AuthenticationSaslFinal;
import org.postgresml.proxy.protocol.frontend.PasswordMessage;
import org.postgresml.proxy.protocol.frontend.SaslInitialResponse;
import org.postgresml.proxy.protocol.frontend.SaslResponse;

/**
 * The client side of authentication towards the upstream: SCRAM-SHA-256 (with -PLUS channel
 * binding when the server offers it over TLS), md5, and cleartext only over TLS. One instance per
 * connection attempt.
 */
public final class UpstreamAuthenticator {

  private final String user;
  private final String password;
  private final boolean tls;
  private final Optional<X509Certificate> serverCertificate;
  private ScramClient scram;

  /**
   * @param serverCertificate the upstream's leaf certificate, for tls-server-end-point channel binding
   */
  public UpstreamAuthenticator(String user, String password, boolean tls, Optional<X509Certificate> serverCertificate) {
    this.user = user;
    this.password = password;
    this.tls = tls;
    this.serverCertificate = serverCertificate;
  }

  /**
   * The answer to an authentication request, or empty for AuthenticationOk and SASL final (nothing to send).
   */
  public Optional<ByteBuf> respond(AuthenticationMessage request, ByteBufAllocator alloc)
      throws AuthenticationFailedException {
    if (request instanceof AuthenticationOk) {
      return Optional.empty();
    }
    if (password.isEmpty() && !(request instanceof AuthenticationSaslContinue || request instanceof AuthenticationSaslFinal)) {
      // libpq's "fe_sendauth: no password supplied": a trust upstream never asks.
      throw new AuthenticationFailedException("upstream asks for a password and the database URL has none");
    }
    if (request instanceof AuthenticationCleartextPassword) {
      if (!tls) {
        throw new AuthenticationFailedException("upstream asked for a cleartext password over an unencrypted"
            + " connection; refusing (use sslmode require or stronger)");
      }
      return Optional.of(new PasswordMessage(password).encode(alloc));
    }
    if (request instanceof AuthenticationMd5Password md5) {
      return Optional.of(new PasswordMessage(Md5Password.answer(user, password, md5.salt())).encode(alloc));
    }
    if (request instanceof AuthenticationSasl sasl) {
      return Optional.of(startScram(sasl).encode(alloc));
    }
    if (request instanceof AuthenticationSaslContinue next) {
      try {
        requireScram().serverFirstMessage(next.data());
      } catch (ScramException e) {
        throw new AuthenticationFailedException("upstream sent an invalid SCRAM message", e);
      }
      return Optional.of(new SaslResponse(scram.clientFinalMessage().toString()).encode(alloc));
    }
    if (request instanceof AuthenticationSaslFinal last) {
      try {
        requireScram().serverFinalMessage(last.data());
      } catch (ScramException e) {
        throw new AuthenticationFailedException("upstream's SCRAM signature is invalid (is it the real server?)", e);
      }
      return Optional.empty();
    }
    throw new AuthenticationFailedException("unsupported upstream authentication request");
  }

  private SaslInitialResponse startScram(AuthenticationSasl sasl) throws AuthenticationFailedException {
    try {
      ScramClient.FinalBuildStage builder = ScramClient.builder()
          .advertisedMechanisms(sasl.mechanisms())
          .username("*") // PostgreSQL takes the user from the startup message
          .password(password.toCharArray())
          .stringPreparation(StringPreparation.POSTGRESQL_PREPARATION);
      if (tls && serverCertificate.isPresent()) {
        builder.channelBinding(TlsServerEndpoint.TLS_SERVER_END_POINT,
            TlsServerEndpoint.getChannelBindingData(serverCertificate.get()));
      }
      scram = builder.build();
    } catch (IllegalArgumentException | CertificateEncodingException e) {
      throw new AuthenticationFailedException("no usable SASL mechanism among " + sasl.mechanisms(), e);
    }
    return new SaslInitialResponse(scram.getScramMechanism().getName(), scram.clientFirstMessage().toString());
  }

  private ScramClient requireScram() throws AuthenticationFailedException {
    if (scram == null) {
      throw new AuthenticationFailedException("upstream sent a SASL message before choosing SASL");
    }
    return scram;
  }
}
