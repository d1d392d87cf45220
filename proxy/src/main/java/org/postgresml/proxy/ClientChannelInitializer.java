package org.postgresml.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import org.postgresml.proxy.session.ClientSession;
import org.postgresml.proxy.session.NegotiationHandler;
import org.postgresml.proxy.session.SessionContext;

/**
 * One client connection's pipeline, as Netty's proxy example composes its initializer: the
 * negotiation of the untyped startup, then the session. The negotiation adds TLS and the frame
 * decoder itself once it knows what the client asked for.
 */
final class ClientChannelInitializer extends ChannelInitializer<SocketChannel> {

  private final SessionContext context;

  ClientChannelInitializer(SessionContext context) {
    this.context = context;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    channel.pipeline().addLast("negotiation", new NegotiationHandler(context))
        .addLast("session", new ClientSession(context));
  }
}
