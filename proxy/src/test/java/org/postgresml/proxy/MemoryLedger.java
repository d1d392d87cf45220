package org.postgresml.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Counts every byte of buffer memory allocated through it and not yet released, exactly and at
 * once (where Netty's leak detector reports only after a garbage collection): a fuzz input that
 * leaves a buffer unreleased fails on that input, with its refCounts unbalanced.
 */
public final class MemoryLedger {

  // Unpooled buffers report their capacity to the allocator's metric on allocation and release;
  // the leak detector stays on (paranoid in tests) as a second witness.
  private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false);

  public ByteBufAllocator allocator() {
    return allocator;
  }

  public ByteBuf copyOf(byte[] bytes) {
    return allocator.heapBuffer(bytes.length).writeBytes(bytes);
  }

  /** Bytes held by buffers from this ledger that are still referenced. */
  public long inUse() {
    return allocator.metric().usedHeapMemory() + allocator.metric().usedDirectMemory();
  }

  /** Fails unless every buffer from this ledger has been released since it was {@code zero}. */
  public void assertBalanced(long zero, String what) {
    long held = inUse() - zero;
    if (held != 0) {
      throw new AssertionError(what + ": " + held + " bytes of buffers were never released");
    }
  }

  /** An embedded channel whose handlers allocate from this ledger from their first event on. */
  public EmbeddedChannel channel(ChannelHandler... handlers) {
    EmbeddedChannel channel = new EmbeddedChannel(false, false, handlers);
    channel.config().setAllocator(allocator);
    try {
      channel.register();
    } catch (Exception e) {
      throw new IllegalStateException("an embedded channel registers synchronously", e);
    }
    return channel;
  }
}
