package org.postgresml.proxy.cache;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.SqlState;

/**
 * The leader's copy of the backend's reply to a cacheable call, frame by frame as it goes to the
 * client. A reply is worth keeping only when it is exactly RowDescription, DataRows and
 * CommandComplete; an ErrorResponse makes it a failure to share with the waiters (never to keep);
 * anything else (a NoticeResponse, a ParameterStatus, a reply past the size limit, a cancel) makes
 * it one to neither keep nor share.
 */
final class AnswerRecorder {

  enum Verdict { ANSWER, FAILURE, UNSHARABLE }

  private final int limit;
  private byte[] bytes = new byte[256];
  private int length;
  private boolean failed;
  private boolean unsharable;
  private boolean completed;

  AnswerRecorder(int limit) {
    this.limit = limit;
  }

  /** A frame on its way to the client (not the ReadyForQuery); read, not consumed. */
  void record(ByteBuf frame) {
    if (unsharable) {
      return;
    }
    byte type = frame.getByte(frame.readerIndex());
    switch (type) {
      case MessageType.ROW_DESCRIPTION, MessageType.DATA_ROW -> unsharable |= completed || failed;
      case MessageType.COMMAND_COMPLETE -> {
        unsharable |= completed || failed;
        completed = true;
      }
      case MessageType.ERROR_RESPONSE -> {
        failed = true;
        // 57014 (the leader's CancelRequest, its statement_timeout) is what happened to the leader, not the
        // call's answer: its waiters ask on their own rather than share a cancel they never sent.
        unsharable |= SqlState.QUERY_CANCELED.equals(sqlState(frame));
      }
      default -> unsharable = true;
    }
    int size = frame.readableBytes();
    if (unsharable || length + size > limit) {
      unsharable = true;
      bytes = null;
      return;
    }
    if (length + size > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(length + size, bytes.length * 2)));
    }
    frame.getBytes(frame.readerIndex(), bytes, length, size);
    length += size;
  }

  /** The C field of an ErrorResponse frame, or null. */
  private static String sqlState(ByteBuf frame) {
    int at = frame.readerIndex() + 5;
    int end = frame.writerIndex();
    while (at < end && frame.getByte(at) != 0) {
      byte code = frame.getByte(at);
      int nul = frame.indexOf(at + 1, end, (byte) 0);
      if (nul < 0) {
        return null;
      }
      if (code == 'C') {
        return frame.toString(at + 1, nul - at - 1, StandardCharsets.US_ASCII);
      }
      at = nul + 1;
    }
    return null;
  }

  Verdict verdict() {
    if (unsharable) {
      return Verdict.UNSHARABLE;
    }
    if (failed) {
      return Verdict.FAILURE;
    }
    return completed ? Verdict.ANSWER : Verdict.UNSHARABLE;
  }

  byte[] bytes() {
    return Arrays.copyOf(bytes, length);
  }
}
