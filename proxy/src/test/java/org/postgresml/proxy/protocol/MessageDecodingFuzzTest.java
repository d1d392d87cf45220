package org.postgresml.proxy.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresml.proxy.MemoryLedger;
import org.postgresml.proxy.protocol.backend.AuthenticationMessage;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.CommandComplete;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.backend.ParameterStatus;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.protocol.frontend.Bind;
import org.postgresml.proxy.protocol.frontend.CancelRequest;
import org.postgresml.proxy.protocol.frontend.Close;
import org.postgresml.proxy.protocol.frontend.Describe;
import org.postgresml.proxy.protocol.frontend.Parse;
import org.postgresml.proxy.protocol.frontend.PasswordMessage;
import org.postgresml.proxy.protocol.frontend.Query;
import org.postgresml.proxy.protocol.frontend.SaslInitialResponse;
import org.postgresml.proxy.protocol.frontend.SaslResponse;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * Every message class the proxy decodes, frontend and backend, on an arbitrary body: it decodes or
 * fails with {@link ProtocolException}, nothing else; what decodes encodes to a message that
 * decodes to the same value. Seeds: MessageDecodingFuzzTestInputs (docs/testing.md).
 */
@ExtendWith(NettyLeakCheck.class)
class MessageDecodingFuzzTest {

  private static final MemoryLedger LEDGER = new MemoryLedger();
  private static final ByteBufAllocator ALLOC = LEDGER.allocator();

  /** One decoder under test: body in, a comparable value and that value encoded as a frame out. */
  private record Kind(Function<ByteBuf, Object> decode, Function<Object, ByteBuf> encode, boolean typed) {}

  private static final Kind[] KINDS = {
      typed(Parse::decode, m -> ((Parse) m).encode(ALLOC), m -> {
        Parse parse = (Parse) m;
        return parse.name() + "\0" + parse.query() + "\0" + java.util.Arrays.toString(parse.parameterTypes());
      }),
      new Kind(body -> bindNames(body), null, true),
      typed(Describe::decode, m -> ((Describe) m).encode(ALLOC), m -> m),
      typed(Close::decode, m -> ((Close) m).encode(ALLOC), m -> m),
      typed(Query::decode, m -> ((Query) m).encode(ALLOC), m -> m),
      typed(PasswordMessage::decode, m -> ((PasswordMessage) m).encode(ALLOC), m -> ((PasswordMessage) m).password()),
      typed(SaslInitialResponse::decode, m -> ((SaslInitialResponse) m).encode(ALLOC), m -> m),
      typed(SaslResponse::decode, m -> ((SaslResponse) m).encode(ALLOC), m -> m),
      new Kind(body -> startupOf(body), null, false),
      new Kind(CancelRequest::decode, null, false),
      typed(ReadyForQuery::decode, m -> ((ReadyForQuery) m).encode(ALLOC), m -> m),
      typed(ErrorResponse::decode, m -> ((ErrorResponse) m).encode(ALLOC), m -> m),
      typed(AuthenticationMessage::decode, m -> ((AuthenticationMessage) m).encode(ALLOC), m -> encoded(
          ((AuthenticationMessage) m).encode(ALLOC))), // AuthenticationMd5Password holds an array
      typed(BackendKeyData::decode, m -> ((BackendKeyData) m).encode(ALLOC), m -> m),
      typed(ParameterStatus::decode, m -> ((ParameterStatus) m).encode(ALLOC), m -> m),
      typed(CommandComplete::decode, m -> ((CommandComplete) m).encode(ALLOC), m -> m),
  };

  private static Kind typed(Function<ByteBuf, Object> decode, Function<Object, ByteBuf> encode,
      Function<Object, Object> value) {
    return new Kind(decode.andThen(value::apply), message -> encode.apply(message), true);
  }

  @FuzzTest
  void everyMessageDecodesOrIsAProtocolViolation(FuzzedDataProvider data) {
    long zero = LEDGER.inUse();
    int which = data.consumeInt(0, KINDS.length - 1);
    Kind kind = KINDS[which];
    ByteBuf body = LEDGER.copyOf(data.consumeRemainingAsBytes());
    try {
      Object decoded;
      try {
        decoded = kind.decode().apply(body.duplicate());
      } catch (ProtocolException refused) {
        return;
      }
      if (kind.encode() != null) {
        roundTrip(kind, which, decoded, body);
      }
    } finally {
      body.release();
      LEDGER.assertBalanced(zero, "message kind " + which);
    }
  }

  // Decodes the original again for the encoder (the comparable value is not always the message).
  private static void roundTrip(Kind kind, int which, Object decoded, ByteBuf body) {
    Object message = rawDecoder(which).apply(body.duplicate());
    ByteBuf frame = kind.encode().apply(message);
    try {
      assertThat(frame.getInt(1)).as("length field").isEqualTo(frame.readableBytes() - 1);
      Object again = kind.decode().apply(Codec.body(frame));
      assertThat(again).as("decode(encode(m)) is m").isEqualTo(decoded);
    } finally {
      frame.release();
    }
  }

  private static Function<ByteBuf, Object> rawDecoder(int which) {
    return switch (which) {
      case 0 -> Parse::decode;
      case 2 -> Describe::decode;
      case 3 -> Close::decode;
      case 4 -> Query::decode;
      case 5 -> PasswordMessage::decode;
      case 6 -> SaslInitialResponse::decode;
      case 7 -> SaslResponse::decode;
      case 10 -> ReadyForQuery::decode;
      case 11 -> ErrorResponse::decode;
      case 12 -> AuthenticationMessage::decode;
      case 13 -> BackendKeyData::decode;
      case 14 -> ParameterStatus::decode;
      case 15 -> CommandComplete::decode;
      default -> throw new IllegalArgumentException("no encoder for kind " + which);
    };
  }

  /** Bind's two names, read from a frame built around the body, and the rename keeps the rest. */
  private static Object bindNames(ByteBuf body) {
    ByteBuf frame = Codec.begin(ALLOC, (char) MessageType.BIND).writeBytes(body);
    Codec.finish(frame);
    try {
      String statement = Bind.statementName(frame);
      ByteBuf renamed = Bind.withStatementName(frame, "pgml_proxy_x", ALLOC);
      try {
        assertThat(Bind.statementName(renamed)).isEqualTo("pgml_proxy_x");
        assertThat(afterNames(renamed)).as("parameters pass byte for byte").isEqualTo(afterNames(frame));
      } finally {
        renamed.release();
      }
      return statement;
    } finally {
      frame.release();
    }
  }

  private static String encoded(ByteBuf frame) {
    try {
      return io.netty.buffer.ByteBufUtil.hexDump(frame);
    } finally {
      frame.release();
    }
  }

  private static ByteBuf afterNames(ByteBuf frame) {
    ByteBuf body = Codec.body(frame);
    Codec.readCString(body);
    Codec.readCString(body);
    return body;
  }

  private static Object startupOf(ByteBuf body) {
    StartupMessage startup = StartupMessage.decode(body);
    return startup.protocolVersion() + " " + startup.parameters();
  }
}
