package org.postgresml.proxy.protocol.frontend;

import org.postgresml.proxy.protocol.ProtocolException;

/** What a Describe or Close names: a prepared statement or a portal. */
public enum TargetKind {
  STATEMENT('S'),
  PORTAL('P');

  private final byte code;

  TargetKind(char code) {
    this.code = (byte) code;
  }

  public byte code() {
    return code;
  }

  public static TargetKind of(byte code) {
    for (TargetKind kind : values()) {
      if (kind.code == code) {
        return kind;
      }
    }
    throw new ProtocolException("unknown Describe/Close target " + (char) code);
  }
}
