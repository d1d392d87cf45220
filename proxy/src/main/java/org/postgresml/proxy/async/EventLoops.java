package org.postgresml.proxy.async;

import io.netty.util.concurrent.AbstractEventExecutor;
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

  /**
   * As {@link #run}, but a task queued for another loop does not wake it: for a task that a waking
   * one (a flush, a release) always follows, which runs it first. One eventfd write and one wake-up fewer.
   */
  public static void runLazily(EventExecutor loop, Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else if (loop instanceof AbstractEventExecutor executor) {
      executor.lazyExecute(task);
    } else {
      loop.execute(task);
    }
  }
}
