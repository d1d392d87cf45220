package org.postgresml.proxy.observe;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.postgresml.proxy.config.LogFormat;
import org.slf4j.LoggerFactory;

/**
 * Switches the console appender to JSON lines when asked (logback's own JsonEncoder: one object per
 * line with level, logger, message and the key-value pairs); text stays as logback.xml sets it.
 */
public final class LogSetup {

  private static final String APPENDER = "CONSOLE";

  private LogSetup() {}

  public static void apply(LogFormat format) {
    if (format != LogFormat.JSON || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (!(root.getAppender(APPENDER) instanceof ConsoleAppender<ILoggingEvent> console)) {
      return;
    }
    JsonEncoder json = new JsonEncoder();
    json.setContext(context);
    json.setWithSequenceNumber(false);
    json.setWithContext(false);
    json.setWithFormattedMessage(true);
    json.start();
    console.stop();
    Encoder<ILoggingEvent> previous = console.getEncoder();
    console.setEncoder(json);
    console.start();
    previous.stop();
  }

  /** Flushes and stops logging at the very end of a shutdown. */
  public static void stop() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }
}
