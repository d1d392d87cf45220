package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.Optional;
import org.postgresml.proxy.auth.AuthenticationFailedException;
import org.postgresml.proxy.auth.ChannelBinding;
import org.postgresml.proxy.auth.ClientAuthenticator;
import org.postgresml.proxy.config.ClientAuthMethod;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.ProtocolException;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.frontend.StartupMessage;

/**
 * The login half of a client session: the StartupMessage's checks, the settings it asks for, and
 * the password exchange with the proxy's users. Each step says how far the client got; a refusal
 * carries the SQLSTATE and message the client is sent before the session closes.
 */
final class ClientLogin {

  /** Where a login stands after a step. */
  enum Progress { PASSWORD_ASKED, LOGGED_IN, REFUSED }

  private final SessionContext context;
  private final SessionEvents events;
  private StartupMessage startup;
  private ClientParameters parameters;
  private ClientAuthenticator authenticator;
  private StartupCheck.Refusal refusal;

  ClientLogin(SessionContext context, SessionEvents events) {
    this.context = context;
    this.events = events;
  }

  /** The StartupMessage arrived: check it, then ask for the password (or, with trust, let the client in). */
  Progress start(StartupMessage message, Channel channel) {
    startup = message;
    events.identified(message.user(), message.database());
    Optional<StartupCheck.Refusal> refused = StartupCheck.check(message, channel.remoteAddress(), context);
    if (refused.isPresent()) {
      return refuse(refused.get());
    }
    try {
      parameters = ClientParameters.of(message.parameters());
    } catch (StartupOptions.InvalidOptionException e) {
      return refuse(new StartupCheck.Refusal(e.sqlState(), e.getMessage()));
    }
    ClientAuthMethod method = context.users().methodFor(message.user(), channel.remoteAddress(),
        context.settings().clientAuthMethod()).orElse(null);
    if (method == null) { // StartupCheck refuses these; a reload in between may have changed the users
      return refuse(new StartupCheck.Refusal(SqlState.INVALID_AUTHORIZATION, "no clientAuth entry for user \""
          + message.user() + "\""));
    }
    authenticator = new ClientAuthenticator(method, context.users(), message.user(),
        ChannelBinding.tlsServerEndPoint(channel).orElse(null));
    ByteBuf request = authenticator.start(channel.alloc());
    if (request == null) {
      return loggedIn();
    }
    channel.writeAndFlush(request);
    return Progress.PASSWORD_ASKED;
  }

  /** A frame while the password exchange runs (the caller releases it). */
  Progress onFrame(ByteBuf frame, Channel channel) {
    if (FrameDecoder.type(frame) != MessageType.PASSWORD_MESSAGE) {
      return refuse(new StartupCheck.Refusal(SqlState.PROTOCOL_VIOLATION, "expected a password response, got "
          + "message type '" + (char) FrameDecoder.type(frame) + "'"));
    }
    ClientAuthenticator.Step step;
    try {
      step = authenticator.onPasswordMessage(Codec.body(frame), channel.alloc());
    } catch (AuthenticationFailedException | ProtocolException | IndexOutOfBoundsException e) {
      context.metrics().authFailed();
      events.authenticationFailed(e.getMessage());
      // One message whether the user exists or not, as PostgreSQL words it.
      return refuse(new StartupCheck.Refusal(SqlState.INVALID_PASSWORD,
          "password authentication failed for user \"" + startup.user() + "\""));
    }
    if (step.reply() != null && step.authenticated()) {
      // SASL's final message goes out with AuthenticationOk and the rest of the greeting (or the
      // error that ends the login), which every path from a login flushes: one write, one wake-up.
      channel.write(step.reply(), channel.voidPromise());
    } else if (step.reply() != null) {
      channel.writeAndFlush(step.reply(), channel.voidPromise());
    }
    return step.authenticated() ? loggedIn() : Progress.PASSWORD_ASKED;
  }

  private Progress loggedIn() {
    events.authenticated();
    authenticator = null; // the exchange's nonces and messages: nothing an idle session needs to hold
    return Progress.LOGGED_IN;
  }

  private Progress refuse(StartupCheck.Refusal why) {
    authenticator = null;
    refusal = why;
    return Progress.REFUSED;
  }

  /** Why the login was refused (after {@link Progress#REFUSED}). */
  StartupCheck.Refusal refusal() {
    return refusal;
  }

  /** The settings the client's startup packet asked for (after {@link Progress#LOGGED_IN}). */
  ClientParameters parameters() {
    return parameters;
  }
}
