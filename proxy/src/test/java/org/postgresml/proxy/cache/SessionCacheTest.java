package org.postgresml.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresml.proxy.config.CacheSettings;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * A session's wait for a call in flight, on a real event loop (an in-process channel pair), with the
 * steps the test wants back to back in one task of the session's loop: the order that is rare
 * between a client's cancel and another client's answer is certain here.
 */
@ExtendWith(NettyLeakCheck.class)
class SessionCacheTest {

  private static final String FIRST = "SELECT pgml.embed('m', 'first')";
  private static final String SECOND = "SELECT pgml.embed('m', 'second')";
  private static final byte[] FIRST_ANSWER = "T-first-D-C".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SECOND_ANSWER = "T-second-D-C".getBytes(StandardCharsets.US_ASCII);
  private static final String READY_IDLE = "Z\0\0\0\5I";

  private final AnswerCache cache = new AnswerCache(new CacheSettings(Map.of("pgml.embed", true), 16 << 20,
      Duration.ofHours(1), 0), new SimpleMeterRegistry());
  private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final List<ByteBuf> resumedWith = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void close() throws Exception {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void anOutcomeThatCameAsTheWaitWasCancelledNeverAnswersTheSessionsNextCall() throws Exception {
    Channel channel = sessionChannel();
    SessionCache session = SessionCache.open(cache, channel, "db", "bob",
        Map.of("client_encoding", "UTF8", "standard_conforming_strings", "on"), Map.of());
    AnswerCache.FlightKey first = leadElsewhere(FIRST);
    AnswerCache.FlightKey second = leadElsewhere(SECOND);
    List<Object> steps = channel.eventLoop().submit(() -> List.<Object>of(
        offer(session, FIRST),
        // The other client's answer lands: its outcome is handed to this loop, behind this task...
        land(first, FIRST_ANSWER),
        // ...which takes the client's cancel first, then the client's next call, which waits for another flight.
        session.cancelWait(),
        offer(session, SECOND))).get(30, TimeUnit.SECONDS);
    assertThat(steps).containsExactly(SessionCache.Step.WAITING, true, true, SessionCache.Step.WAITING);
    land(second, SECOND_ANSWER);
    await().atMost(Duration.ofSeconds(30)).until(() -> resumedWith.size() == 2);
    channel.eventLoop().submit(() -> { }).get(30, TimeUnit.SECONDS); // what the loop had queued has run
    // Two replies: the cancel's, and one answer (before the fix, the first call's, given for the second).
    await().atMost(Duration.ofSeconds(30)).until(() -> text().split(READY_IDLE, -1).length == 3);
    String text = text();
    assertThat(text).contains("canceling statement due to user request").doesNotContain("first");
    assertThat(text.substring(text.indexOf(READY_IDLE) + READY_IDLE.length()))
        .isEqualTo(new String(SECOND_ANSWER, StandardCharsets.ISO_8859_1) + READY_IDLE);
    assertThat(resumedWith).containsOnlyNulls(); // the cancel, then the second answer: nothing left to relay
  }

  /** Another client leads the call: its flight, as the cache knows it. */
  private AnswerCache.FlightKey leadElsewhere(String sql) {
    CacheKey key = new CacheKey("db", "", "pgml.embed", CacheableCall.match(sql, Set.of("pgml.embed")).orElseThrow()
        .canonical(), "{client_encoding=UTF8, standard_conforming_strings=on}", 0);
    return ((AnswerCache.Lookup.Lead) cache.lookup(key, sql, outcome -> { })).flight();
  }

  private boolean land(AnswerCache.FlightKey flight, byte[] answer) {
    cache.land(flight, new Flight.Outcome.Answered(answer));
    return true;
  }

  private SessionCache.Step offer(SessionCache session, String sql) {
    return session.offer(Unpooled.wrappedBuffer(WireClient.queryFrame(sql)), Duration.ofMinutes(5),
        resumedWith::add);
  }

  /** The session's end of an in-process connection; what it writes arrives in {@link #received}. */
  private Channel sessionChannel() throws InterruptedException {
    LocalAddress address = new LocalAddress("session-cache-test-" + System.nanoTime());
    BlockingQueue<Channel> accepted = new ArrayBlockingQueue<>(1);
    new ServerBootstrap().group(loop).channel(LocalServerChannel.class).childHandler(new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel child) {
        accepted.add(child);
      }
    }).bind(address).sync();
    new Bootstrap().group(loop).channel(LocalChannel.class).handler(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        try {
          synchronized (received) {
            bytes.readBytes(received, bytes.readableBytes());
          }
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        } finally {
          bytes.release();
        }
      }
    }).connect(address).sync();
    return accepted.poll(30, TimeUnit.SECONDS);
  }

  private String text() {
    synchronized (received) {
      return received.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
