package org.postgresml.proxy.cache;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The query string of a Query frame, as the cache reads it: only valid UTF-8 with its one
 * terminating NUL, and none longer than {@link #MAX_STATEMENT_BYTES} (such a statement is not
 * decoded at all, and never cached). Its own class so the session's cache keeps to its rules.
 */
final class QueryText {

  /** Longer statements are not cacheable: reading one would cost a copy of it per query. */
  static final int MAX_STATEMENT_BYTES = 1024 * 1024;

  /** Stops at the first byte that is not 7-bit ASCII or is a NUL (ByteBuf bytes are signed). */
  private static final ByteProcessor ASCII_WITHOUT_NUL = value -> value > 0;

  private QueryText() {}

  /** The text of {@code frame} (a whole Query frame, header included), or empty where it is not readable. */
  static Optional<String> of(ByteBuf frame) {
    int start = frame.readerIndex() + 5;
    int end = frame.writerIndex() - 1;
    if (end < start || end - start > MAX_STATEMENT_BYTES || frame.getByte(end) != 0) {
      return Optional.empty();
    }
    int stop = frame.forEachByte(start, end - start, ASCII_WITHOUT_NUL);
    if (stop < 0) {
      // All ASCII (the usual call): the same String UTF-8 decoding gives, without a decoder and its buffers.
      return Optional.of(frame.toString(start, end - start, StandardCharsets.ISO_8859_1));
    }
    if (frame.getByte(stop) == 0 || frame.indexOf(stop, end, (byte) 0) >= 0) {
      return Optional.empty();
    }
    ByteBuffer bytes = frame.nioBuffer(start, end - start);
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
