package org.postgresml.proxy.async;

import io.netty.util.concurrent.EventExecutor;

/** Running work on the event loop that owns a channel's state. */
public final class EventLoops {

  private EventLoops() {}

  /**
   * Runs the task now when called on the loop (so a reply on the same loop costs no hop and keeps
   * its order with what the caller does next), else queues it there.
   */
  public static void run(EventExecutor loop, Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }
}
