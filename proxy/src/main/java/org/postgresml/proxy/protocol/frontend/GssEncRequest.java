package org.postgresml.proxy.protocol.frontend;

/** GSSENCRequest: asks for GSSAPI encryption, which the proxy always refuses with 'N'. */
public final class GssEncRequest {

  public static final int CODE = 80877104;

  private GssEncRequest() {}
}
