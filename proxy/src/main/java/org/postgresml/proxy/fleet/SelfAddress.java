package org.postgresml.proxy.fleet;

import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/** This replica among its peers: its own port on one of its own addresses. */
public final class SelfAddress implements Predicate<InetSocketAddress> {

  private final IntSupplier ownPort;

  /** @param ownPort the port the proxy listens on (asked late: a test binds port 0) */
  public SelfAddress(IntSupplier ownPort) {
    this.ownPort = ownPort;
  }

  @Override
  public boolean test(InetSocketAddress peer) {
    if (peer.isUnresolved() || peer.getPort() != ownPort.getAsInt()) {
      return false;
    }
    if (peer.getAddress().isAnyLocalAddress() || peer.getAddress().isLoopbackAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(peer.getAddress()) != null;
    } catch (SocketException e) {
      return false;
    }
  }
}
