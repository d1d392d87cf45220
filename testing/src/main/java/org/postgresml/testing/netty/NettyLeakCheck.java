package org.postgresml.testing.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reported a leaked buffer while it ran. Netty reports
 * a leak only after the garbage collector found the lost buffer and a later buffer was tracked, so
 * the check collects garbage and allocates a few buffers before it looks.
 *
 * <p>Use with {@code @ExtendWith(NettyLeakCheck.class)} on every test class that runs Netty.
 */
public final class NettyLeakCheck implements AfterAllCallback {

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    List<String> leaks = collect();
    if (!leaks.isEmpty()) {
      throw new AssertionError(leaks.size() + " Netty buffer leak(s) in " + context.getDisplayName() + ":\n"
          + String.join("\n\n", leaks));
    }
  }

  /** Forces leak reporting and returns what was reported since the last call. */
  public static List<String> collect() throws InterruptedException {
    for (int round = 0; round < 3; round++) {
      System.gc();
      System.runFinalization();
      Thread.sleep(20); // the reference queue is filled by the GC thread; give it a moment each round
      for (int i = 0; i < 32; i++) {
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        pooled.release();
        ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
        unpooled.release();
      }
    }
    return RecordingLeakDetector.drain();
  }
}
