package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.protocol.LimitExceededException;
import org.postgresml.proxy.protocol.ProtocolException;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.upstream.UpstreamException;

/** What a session says as it ends: the SQLSTATE and words each failure becomes, never a stack trace. */
class SessionEndTest {

  private final SessionContext context = StubSessions.withFlags().context();
  private final SessionEnd end = new SessionEnd(new ClientSession(context), context, new SessionEvents(() -> false));

  @Test
  void aFrameThatDoesNotDecodeIsAProtocolViolationInItsOwnWords() {
    ErrorResponse error = end.forThrown(new DecoderException(new ProtocolException("invalid Bind: 3 formats")));
    assertThat(error.isFatal()).isTrue();
    assertThat(error.sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION);
    assertThat(error.message()).isEqualTo("invalid Bind: 3 formats");
  }

  @Test
  void aFramePastTheLimitsIsProgramLimitExceeded() {
    ErrorResponse error = end.forThrown(new LimitExceededException("message 'Q' of 99 bytes is longer"));
    assertThat(error.sqlState()).isEqualTo(SqlState.PROGRAM_LIMIT_EXCEEDED);
    assertThat(error.message()).isEqualTo("message 'Q' of 99 bytes is longer");
  }

  @Test
  void aSocketThatFailedIsToldNothing() {
    assertThat(end.forThrown(new IOException("Connection reset by peer"))).isNull();
  }

  @Test
  void aBugReachesTheClientAsAPlainRefusalWithoutItsDetails() {
    ErrorResponse error = end.forThrown(new IllegalStateException("internal: buffer index 42 out of range"));
    assertThat(error.sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION);
    assertThat(error.message()).isEqualTo("invalid message from client");
  }

  @Test
  void aFailedAcquireKeepsTheUpstreamsOwnWordsAndOtherwiseNamesOnlyWhereItIs() {
    ErrorResponse refused = end.forFailedAcquire(new UpstreamException(SqlState.CONNECTION_REJECTED,
        "upstream 10.0.0.1:5432 rejected the connection"), "10.0.0.1:5432");
    assertThat(refused.sqlState()).isEqualTo(SqlState.CONNECTION_REJECTED);
    assertThat(refused.message()).isEqualTo("upstream 10.0.0.1:5432 rejected the connection");

    ErrorResponse unknown = end.forFailedAcquire(new IllegalStateException("pool closed"), "h:5432");
    assertThat(unknown.sqlState()).isEqualTo(SqlState.UNABLE_TO_CONNECT);
    assertThat(unknown.message()).isEqualTo("could not connect to upstream h:5432");
  }

  @Test
  void anInvalidTypeIsNamedByItsUnsignedByte() {
    assertThat(SessionEnd.invalidType((byte) 0xC8).message()).isEqualTo("invalid frontend message type 200");
    assertThat(SessionEnd.invalidType((byte) 'Y').sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION);
  }
}
