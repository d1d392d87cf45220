package org.postgresml.proxy.auth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.auth.AuthenticationFailedException;
import org.postgresml.proxy.auth.ClientUsers;
import org.postgresml.proxy.auth.Md5Password;
import org.postgresml.proxy.auth.ScramServerExchange;
import org.postgresml.proxy.config.ClientAuthMethod;
import org.postgresml.proxy.protocol.backend.AuthenticationMd5Password;
import org.postgresml.proxy.protocol.backend.AuthenticationSasl;
import org.postgresml.proxy.protocol.backend.AuthenticationSaslContinue;
import org.postgresml.proxy.protocol.backend.AuthenticationSaslFinal;
import org.postgresml.proxy.protocol.frontend.PasswordMessage;
import org.postgresml.proxy.protocol.frontend.SaslInitialResponse;
import org.postgresml.proxy.protocol.frontend.SaslResponse;

/**
 * The proxy as the server of a client's login: SCRAM-SHA-256, md5 or trust against the configured
 * users. An unknown user runs the same exchange and fails at the same step with the same error.
 */
public final class ClientAuthenticator {

  /** What to send next, and whether the client has proven who it is. */
  public record Step(ByteBuf reply, boolean authenticated) {}

  private final ClientAuthMethod method;
  private final ClientUsers users;
  private final String user;
  /** tls-server-end-point data of the certificate this client got (TLS), for SCRAM-SHA-256-PLUS; else null. */
  private final byte[] channelBinding;
  private ScramServerExchange scram;
  private byte[] md5Salt;
  private boolean firstSent;

  public ClientAuthenticator(ClientAuthMethod method, ClientUsers users, String user, byte[] channelBinding) {
    this.method = method;
    this.users = users;
    this.user = user;
    this.channelBinding = channelBinding;
  }

  /** The SCRAM exchange of this login, made up-front so that the offer and the exchange agree. */
  private ScramServerExchange scram() {
    if (scram == null) {
      scram = new ScramServerExchange(users.scramCredentials(user), ClientUsers.nonce(), channelBinding);
    }
    return scram;
  }

  /** The first request to the client; null when no proof is asked (trust). */
  public ByteBuf start(ByteBufAllocator alloc) {
    return switch (method) {
      case TRUST -> null;
      case MD5 -> {
        md5Salt = ClientUsers.randomBytes(4);
        yield new AuthenticationMd5Password(md5Salt).encode(alloc);
      }
      case SCRAM_SHA_256 -> new AuthenticationSasl(scram().mechanisms()).encode(alloc);
    };
  }

  /** Handles a PasswordMessage-type ('p') body. */
  public Step onPasswordMessage(ByteBuf body, ByteBufAllocator alloc) throws AuthenticationFailedException {
    if (method == ClientAuthMethod.MD5) {
      String answer = PasswordMessage.decode(body).password();
      String password = users.password(user).orElse(null);
      if (password == null || !Md5Password.matches(user, password, md5Salt, answer)) {
        throw new AuthenticationFailedException("wrong md5 password or unknown user");
      }
      return new Step(null, true);
    }
    if (method != ClientAuthMethod.SCRAM_SHA_256) {
      throw new AuthenticationFailedException("unexpected password message");
    }
    if (!firstSent) {
      SaslInitialResponse initial = SaslInitialResponse.decode(body);
      firstSent = true;
      return new Step(new AuthenticationSaslContinue(scram().serverFirst(initial.mechanism(), initial.data()))
          .encode(alloc), false);
    }
    String serverFinal = scram.serverFinal(SaslResponse.decode(body).data());
    if (!users.exists(user)) {
      throw new AuthenticationFailedException("unknown user"); // unreachable with made-up keys; kept explicit
    }
    return new Step(new AuthenticationSaslFinal(serverFinal).encode(alloc), true);
  }
}
