package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.ProtocolException;

/** The Authentication* messages ('R'), told apart by their int32 code. */
public sealed interface AuthenticationMessage permits AuthenticationOk, AuthenticationCleartextPassword,
    AuthenticationMd5Password, AuthenticationSasl, AuthenticationSaslContinue, AuthenticationSaslFinal {

  int OK = 0;
  int CLEARTEXT_PASSWORD = 3;
  int MD5_PASSWORD = 5;
  int SASL = 10;
  int SASL_CONTINUE = 11;
  int SASL_FINAL = 12;

  ByteBuf encode(ByteBufAllocator alloc);

  /** Decodes the body of an 'R' frame. */
  static AuthenticationMessage decode(ByteBuf body) {
    int code = Codec.readInt(body);
    return switch (code) {
      case OK -> AuthenticationOk.INSTANCE;
      case CLEARTEXT_PASSWORD -> AuthenticationCleartextPassword.INSTANCE;
      case MD5_PASSWORD -> new AuthenticationMd5Password(Codec.readBytes(body, 4));
      case SASL -> {
        List<String> mechanisms = new ArrayList<>();
        for (String name = Codec.readCString(body); !name.isEmpty(); name = Codec.readCString(body)) {
          mechanisms.add(name);
        }
        yield new AuthenticationSasl(mechanisms);
      }
      case SASL_CONTINUE -> new AuthenticationSaslContinue(body.toString(StandardCharsets.UTF_8));
      case SASL_FINAL -> new AuthenticationSaslFinal(body.toString(StandardCharsets.UTF_8));
      default -> throw new ProtocolException("unsupported authentication request " + code);
    };
  }

  /** An 'R' message with the given code; the caller writes the rest and calls {@link Codec#finish}. */
  static ByteBuf begin(ByteBufAllocator alloc, int code) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.AUTHENTICATION);
    buf.writeInt(code);
    return buf;
  }
}
