package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.cancel.CancelTarget;
import org.postgresml.proxy.cancel.PeerCancel;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.frontend.CancelRequest;
import org.postgresml.proxy.protocol.frontend.GssEncRequest;
import org.postgresml.proxy.protocol.frontend.SslRequest;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.testing.CertificateAuthority;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The negotiation on its own, on an {@link EmbeddedChannel}: what it answers to each untyped start
 * of a connection, and what it hands on. Behind it sits a recorder instead of the session, so each
 * test sees exactly the startup the session would get. Every buffer read out of the channel is
 * released ({@link NettyLeakCheck} fails the class on a leak).
 */
@ExtendWith(NettyLeakCheck.class)
class NegotiationHandlerTest {

  private final StubSessions sessions = StubSessions.withFlags();

  @ParameterizedTest
  @ValueSource(ints = {8, 12, 15, 17, 20})
  void aCancelRequestOfTheWrongLengthIsClosedWithoutAWord(int length) {
    EmbeddedChannel channel = sessions.connect();
    ByteBuf request = Unpooled.buffer(length).writeInt(length).writeInt(CancelRequest.CODE);
    request.writeZero(length - 8);
    channel.writeInbound(request);
    channel.checkException(); // nothing thrown past the handlers
    assertThat((Object) channel.readOutbound()).as("PostgreSQL answers a bad cancel with nothing").isNull();
    assertThat(channel.isActive()).isFalse();
    channel.finishAndReleaseAll();
  }

  @Test
  void aCancelConnectionCarriesOneRequest() {
    EmbeddedChannel channel = sessions.connect();
    ByteBuf two = Unpooled.buffer(32).writeInt(CancelRequest.LENGTH).writeInt(CancelRequest.CODE).writeInt(1).writeInt(2);
    two.writeInt(8).writeInt(80877103); // an SSLRequest behind it: not read, not answered
    channel.writeInbound(two);
    channel.checkException();
    assertThat((Object) channel.readOutbound()).isNull();
    assertThat(channel.isActive()).isFalse();
    channel.finishAndReleaseAll();
  }

  @Test
  void aCancelRequestReachesTheSessionThatOwnsTheKeyAndNoOther() {
    AtomicInteger owner = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    BackendKeyData key = sessions.context().cancelKeys().register(4242, counting(owner));
    BackendKeyData otherKey = sessions.context().cancelKeys().register(4243, counting(other));
    try {
      Recorder recorder = new Recorder();
      EmbeddedChannel channel = negotiation(recorder);
      channel.writeInbound(new CancelRequest(key.processId(), key.secretKey()).encode(channel.alloc()));
      assertThat(owner).as("the owner's running query is cancelled").hasValue(1);
      assertThat(other).hasValue(0);
      assertThat((Object) channel.readOutbound()).as("the client learns nothing, as from PostgreSQL").isNull();
      assertThat(channel.isActive()).isFalse();
      assertThat(recorder.startups).isEmpty();

      EmbeddedChannel guess = negotiation(new Recorder());
      guess.writeInbound(new CancelRequest(key.processId(), key.secretKey() ^ 1).encode(guess.alloc()));
      assertThat(owner).as("a wrong secret cancels nothing").hasValue(1);
      assertThat((Object) guess.readOutbound()).isNull();
      assertThat(guess.isActive()).isFalse();
      channel.finishAndReleaseAll();
      guess.finishAndReleaseAll();
    } finally {
      sessions.context().cancelKeys().remove(key);
      sessions.context().cancelKeys().remove(otherKey);
    }
  }

  @Test
  void aPeerCancelWithoutAFleetIsDroppedAndClosed() {
    AtomicInteger owner = new AtomicInteger();
    BackendKeyData key = sessions.context().cancelKeys().register(4242, counting(owner));
    try {
      EmbeddedChannel channel = negotiation(new Recorder());
      byte[] secret = "a-fleet-secret-nobody-configured".getBytes(StandardCharsets.UTF_8);
      channel.writeInbound(PeerCancel.sign(PeerCancel.ANY_REPLICA, key.processId(), key.secretKey(),
          java.time.Instant.now(), secret).encode(channel.alloc()));
      assertThat(owner).as("no fleet secret: no forward is authentic").hasValue(0);
      assertThat((Object) channel.readOutbound()).isNull();
      assertThat(channel.isActive()).isFalse();
      channel.finishAndReleaseAll();
    } finally {
      sessions.context().cancelKeys().remove(key);
    }
  }

  @Test
  void anSslRequestWithoutACertificateIsAnsweredNAndTheStartupFollowsInPlainText() {
    Recorder recorder = new Recorder();
    EmbeddedChannel channel = negotiation(recorder);
    channel.writeInbound(SslRequest.INSTANCE.encode(channel.alloc()));
    assertThat(readByte(channel)).isEqualTo(MessageType.ENCRYPTION_REFUSED);
    assertThat(channel.pipeline().get(SslHandler.class)).isNull();

    channel.writeInbound(startup(Map.of("user", "app", "database", "app")).encode(channel.alloc()));
    assertThat(recorder.startups).singleElement().satisfies(startup -> assertThat(startup.user()).isEqualTo("app"));
    assertThat(channel.isActive()).isTrue();
    channel.finishAndReleaseAll();
  }

  @Test
  void anSslRequestWithACertificateIsAnsweredSAndTlsStarts(@TempDir Path dir) {
    CertificateAuthority.IssuedCertificate cert = CertificateAuthority.create("negotiation test CA")
        .issueServer(dir, "proxy", "localhost");
    StubSessions tls = StubSessions.withFlags("--tls-cert", cert.certificateFile().toString(),
        "--tls-key", cert.privateKeyFile().toString());
    EmbeddedChannel channel = new EmbeddedChannel(new NegotiationHandler(tls.context()), new Recorder());
    channel.writeInbound(SslRequest.INSTANCE.encode(channel.alloc()));
    assertThat(readByte(channel)).as("the 'S' itself goes out in plain text").isEqualTo(MessageType.ENCRYPTION_ACCEPTED);
    assertThat(channel.pipeline().first()).as("TLS ahead of everything that reads the client").isInstanceOf(SslHandler.class);
    assertThat(channel.isActive()).isTrue();
    channel.finishAndReleaseAll();
  }

  @Test
  void bytesSentBehindAnSslRequestBeforeItsAnswerAreRefused(@TempDir Path dir) {
    CertificateAuthority.IssuedCertificate cert = CertificateAuthority.create("negotiation test CA")
        .issueServer(dir, "proxy", "localhost");
    StubSessions tls = StubSessions.withFlags("--tls-cert", cert.certificateFile().toString(),
        "--tls-key", cert.privateKeyFile().toString());
    for (StubSessions proxy : List.of(sessions, tls)) {
      EmbeddedChannel channel = new EmbeddedChannel(new NegotiationHandler(proxy.context()), new Recorder());
      ByteBuf request = SslRequest.INSTANCE.encode(channel.alloc());
      ByteBuf startup = startup(Map.of("user", "app")).encode(channel.alloc());
      channel.writeInbound(Unpooled.wrappedBuffer(request, startup)); // CVE-2021-23214: sent blind, maybe injected
      if (proxy == sessions) {
        assertThat(readByte(channel)).as("no certificate: the answer, then the refusal")
            .isEqualTo(MessageType.ENCRYPTION_REFUSED);
      }
      List<Object> written = drain(channel);
      assertThat(fatal(written)).as("never trusted as if it came over TLS").isEqualTo(SqlState.PROTOCOL_VIOLATION);
      assertThat(channel.pipeline().get(SslHandler.class)).isNull();
      assertThat(channel.isActive()).isFalse();
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void aGssEncRequestIsAnsweredNAndAnSslRequestMayFollow() {
    Recorder recorder = new Recorder();
    EmbeddedChannel channel = negotiation(recorder);
    channel.writeInbound(Unpooled.buffer(8).writeInt(8).writeInt(GssEncRequest.CODE));
    assertThat(readByte(channel)).isEqualTo(MessageType.ENCRYPTION_REFUSED);
    channel.writeInbound(SslRequest.INSTANCE.encode(channel.alloc()));
    assertThat(readByte(channel)).as("libpq's gssencmode=prefer then sslmode=prefer").isEqualTo(MessageType.ENCRYPTION_REFUSED);
    channel.writeInbound(startup(Map.of("user", "app")).encode(channel.alloc()));
    assertThat(recorder.startups).hasSize(1);
    channel.finishAndReleaseAll();
  }

  @Test
  void aSecondSslRequestIsABogusProtocolVersion() {
    Recorder recorder = new Recorder();
    EmbeddedChannel channel = negotiation(recorder);
    channel.writeInbound(SslRequest.INSTANCE.encode(channel.alloc()));
    assertThat(readByte(channel)).isEqualTo(MessageType.ENCRYPTION_REFUSED);
    channel.writeInbound(SslRequest.INSTANCE.encode(channel.alloc()));
    // 1234.5679 as a protocol version, as PostgreSQL reads a repeated request
    assertThat(fatal(drain(channel))).isEqualTo(SqlState.FEATURE_NOT_SUPPORTED);
    assertThat(channel.isActive()).isFalse();
    assertThat(recorder.startups).isEmpty();
    channel.finishAndReleaseAll();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 4, 7, 10005, 1 << 20, -1})
  void aLengthNoStartupPacketHasClosesWithoutAReply(int length) {
    EmbeddedChannel channel = negotiation(new Recorder());
    channel.writeInbound(Unpooled.buffer(8).writeInt(length).writeInt(StartupMessage.PROTOCOL_3_0));
    channel.checkException();
    assertThat((Object) channel.readOutbound()).as("a port scanner or an HTTP client is no client").isNull();
    assertThat(channel.isActive()).isFalse();
    channel.finishAndReleaseAll();
  }

  @Test
  void aStartupArrivingInPiecesIsReadWhenWhole() {
    Recorder recorder = new Recorder();
    EmbeddedChannel channel = negotiation(recorder);
    ByteBuf whole = startup(Map.of("user", "app", "database", "db")).encode(channel.alloc());
    while (whole.isReadable()) {
      channel.writeInbound(whole.readRetainedSlice(Math.min(3, whole.readableBytes())));
      if (whole.isReadable()) {
        assertThat(recorder.startups).isEmpty();
      }
    }
    whole.release();
    assertThat(recorder.startups).singleElement().satisfies(startup -> assertThat(startup.database()).isEqualTo("db"));
    channel.finishAndReleaseAll();
  }

  @Test
  void theStartupGoesToTheSessionAndTypedFramesFollow() {
    Recorder recorder = new Recorder();
    EmbeddedChannel channel = negotiation(recorder);
    ByteBuf startup = startup(Map.of("user", "app", "application_name", "psql")).encode(channel.alloc());
    ByteBuf password = Unpooled.buffer().writeByte('p').writeInt(4 + 7).writeBytes("secret\0".getBytes(StandardCharsets.US_ASCII));
    channel.writeInbound(Unpooled.wrappedBuffer(startup, password)); // pipelined: both in one read
    assertThat(recorder.startups).singleElement()
        .satisfies(message -> assertThat(message.parameters()).containsEntry("application_name", "psql"));
    assertThat(channel.pipeline().get(NegotiationHandler.class)).as("negotiation is over").isNull();
    assertThat(channel.pipeline().get(FrameDecoder.class)).isNotNull();
    assertThat(recorder.frameTypes).as("the bytes behind the startup, framed").containsExactly((int) 'p');
    assertThat((Object) channel.readOutbound()).isNull();
    channel.finishAndReleaseAll();
  }

  @Test
  void protocolTwoIsAnsweredInProtocolTwo() {
    EmbeddedChannel channel = negotiation(new Recorder());
    channel.writeInbound(new StartupMessage(2 << 16, Map.of("user", "app")).encode(channel.alloc()));
    ByteBuf reply = channel.readOutbound();
    try {
      assertThat(reply.readByte()).isEqualTo(MessageType.ERROR_RESPONSE);
      assertThat(reply.toString(StandardCharsets.UTF_8)).startsWith("FATAL:  unsupported frontend protocol 2.0")
          .endsWith("\0");
    } finally {
      reply.release();
    }
    assertThat(channel.isActive()).isFalse();
    channel.finishAndReleaseAll();
  }

  @Test
  void aNewerMajorVersionIsRefused() {
    EmbeddedChannel channel = negotiation(new Recorder());
    channel.writeInbound(new StartupMessage(4 << 16, Map.of("user", "app")).encode(channel.alloc()));
    List<Object> written = drain(channel);
    assertThat(fatal(written)).isEqualTo(SqlState.FEATURE_NOT_SUPPORTED);
    assertThat(channel.isActive()).isFalse();
    channel.finishAndReleaseAll();
  }

  @Test
  void aNewerMinorVersionAndUnknownProtocolOptionsAreNegotiatedDown() {
    Recorder recorder = new Recorder();
    EmbeddedChannel channel = negotiation(recorder);
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("user", "app");
    parameters.put("_pq_.compression", "on");
    channel.writeInbound(new StartupMessage((3 << 16) | 2, parameters).encode(channel.alloc()));
    channel.flushOutbound(); // the session flushes it with its first reply (the authentication request)
    ByteBuf reply = channel.readOutbound();
    try {
      assertThat(reply.readByte()).isEqualTo(MessageType.NEGOTIATE_PROTOCOL_VERSION);
      assertThat(reply.readInt()).isEqualTo(reply.readableBytes() + 4);
      assertThat(reply.readInt()).as("protocol 3.0 is what this proxy speaks").isEqualTo(3 << 16);
      assertThat(reply.readInt()).isEqualTo(1);
      assertThat(cString(reply)).isEqualTo("_pq_.compression");
    } finally {
      reply.release();
    }
    assertThat(recorder.startups).as("the login goes on in 3.0").hasSize(1);
    assertThat(channel.isActive()).isTrue();
    channel.finishAndReleaseAll();
  }

  @Test
  void protocolThreeZeroWithoutOptionsNeedsNoNegotiation() {
    Recorder recorder = new Recorder();
    EmbeddedChannel channel = negotiation(recorder);
    channel.writeInbound(startup(Map.of("user", "app")).encode(channel.alloc()));
    channel.flushOutbound();
    assertThat((Object) channel.readOutbound()).isNull();
    assertThat(recorder.startups).hasSize(1);
    channel.finishAndReleaseAll();
  }

  @Test
  void aStartupWithoutItsTerminatorIsAProtocolViolation() {
    EmbeddedChannel channel = negotiation(new Recorder());
    byte[] pairs = "user\0app\0".getBytes(StandardCharsets.US_ASCII); // no final NUL
    channel.writeInbound(Unpooled.buffer().writeInt(8 + pairs.length).writeInt(StartupMessage.PROTOCOL_3_0)
        .writeBytes(pairs));
    List<Object> written = drain(channel);
    assertThat(fatal(written)).isEqualTo(SqlState.PROTOCOL_VIOLATION);
    assertThat(channel.isActive()).isFalse();
    channel.finishAndReleaseAll();
  }

  @Test
  void tlsRequiredRefusesAPlainStartup(@TempDir Path dir) {
    CertificateAuthority.IssuedCertificate cert = CertificateAuthority.create("negotiation test CA")
        .issueServer(dir, "proxy", "localhost");
    StubSessions tls = StubSessions.withFlags("--tls-cert", cert.certificateFile().toString(),
        "--tls-key", cert.privateKeyFile().toString(), "--tls-required");
    Recorder recorder = new Recorder();
    EmbeddedChannel channel = new EmbeddedChannel(new NegotiationHandler(tls.context()), recorder);
    channel.writeInbound(startup(Map.of("user", "app")).encode(channel.alloc()));
    List<Object> written = drain(channel);
    assertThat(fatal(written)).isEqualTo(SqlState.INVALID_AUTHORIZATION);
    assertThat(recorder.startups).as("the session never hears of it").isEmpty();
    assertThat(channel.isActive()).isFalse();
    channel.finishAndReleaseAll();
  }

  @Test
  void nothingIsReadAfterARefusal() {
    Recorder recorder = new Recorder();
    EmbeddedChannel channel = negotiation(recorder);
    ByteBuf refused = new StartupMessage(4 << 16, Map.of("user", "app")).encode(channel.alloc());
    ByteBuf behind = startup(Map.of("user", "app")).encode(channel.alloc());
    channel.writeInbound(Unpooled.wrappedBuffer(refused, behind));
    assertThat(fatal(drain(channel))).isEqualTo(SqlState.FEATURE_NOT_SUPPORTED);
    assertThat(recorder.startups).as("a packet behind a refused one is no new startup").isEmpty();
    channel.finishAndReleaseAll();
  }

  private EmbeddedChannel negotiation(Recorder recorder) {
    return new EmbeddedChannel(new NegotiationHandler(sessions.context()), recorder);
  }

  private static StartupMessage startup(Map<String, String> parameters) {
    return new StartupMessage(StartupMessage.PROTOCOL_3_0, parameters);
  }

  private static CancelTarget counting(AtomicInteger cancels) {
    return cancels::incrementAndGet;
  }

  /** The one byte written (an encryption answer), released. */
  private static byte readByte(EmbeddedChannel channel) {
    ByteBuf answer = channel.readOutbound();
    try {
      assertThat(answer.readableBytes()).isEqualTo(1);
      return answer.readByte();
    } finally {
      answer.release();
    }
  }

  /** Everything written so far; the caller hands it to {@link #fatal}, which releases it. */
  private static List<Object> drain(EmbeddedChannel channel) {
    List<Object> written = new ArrayList<>();
    for (Object message = channel.readOutbound(); message != null; message = channel.readOutbound()) {
      written.add(message);
    }
    return written;
  }

  /** The SQLSTATE of the one FATAL ErrorResponse written; releases what was written. */
  private static String fatal(List<Object> written) {
    try {
      assertThat(written).hasSize(1);
      ByteBuf frame = (ByteBuf) written.get(0);
      assertThat(frame.readByte()).isEqualTo(MessageType.ERROR_RESPONSE);
      int length = frame.readInt();
      ErrorResponse error = ErrorResponse.decode(frame.readSlice(length - 4));
      assertThat(error.isFatal()).isTrue();
      assertThat(error.message()).isNotBlank();
      return error.sqlState();
    } finally {
      written.forEach(ReferenceCountUtil::release);
    }
  }

  private static String cString(ByteBuf buf) {
    int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
    String value = buf.toString(buf.readerIndex(), end - buf.readerIndex(), StandardCharsets.UTF_8);
    buf.readerIndex(end + 1);
    return value;
  }

  /** Stands where the session would: records the startup and the type of each frame behind it. */
  private static final class Recorder extends ChannelInboundHandlerAdapter {
    final List<StartupMessage> startups = new ArrayList<>();
    final List<Integer> frameTypes = new ArrayList<>();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof StartupMessage startup) {
        startups.add(startup);
      } else {
        ctx.fireUserEventTriggered(event);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      try {
        if (message instanceof ByteBuf frame) {
          frameTypes.add((int) frame.getByte(frame.readerIndex()));
        }
      } finally {
        ReferenceCountUtil.release(message);
      }
    }
  }
}
