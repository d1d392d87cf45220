package org.postgresml.proxy.protocol;

import org.postgresml.proxy.protocol.FrontendMessage.Answer;

/**
 * The frontend messages a server connection was sent and has not settled yet, oldest first, for
 * {@link Conversation}: a ring of message constants, so the hot path allocates nothing (it grows
 * when a client pipelines deeply), with the count of those a ReadyForQuery settles. Its own class
 * so that Conversation reads as the protocol's rules and nothing else.
 */
final class PendingMessages {

  /** A power of two, so an index wraps with a mask. */
  private FrontendMessage[] ring = new FrontendMessage[4]; // grows by doubling; every idle session holds one
  private int first;
  private int size;
  /** Of those pending, the ones a ReadyForQuery settles (Query, FunctionCall, Sync). */
  private int readiesOwed;

  /** A fresh server connection (or a fresh client): nothing pending. */
  void clear() {
    first = 0;
    size = 0;
    readiesOwed = 0;
  }

  int size() {
    return size;
  }

  int readiesOwed() {
    return readiesOwed;
  }

  /** The oldest; only when {@link #size} is above 0. */
  FrontendMessage head() {
    return ring[first];
  }

  /** The {@code index}th oldest (0 is the head). */
  FrontendMessage at(int index) {
    return ring[(first + index) & (ring.length - 1)];
  }

  void push(FrontendMessage message) {
    if (size == ring.length) {
      FrontendMessage[] grown = new FrontendMessage[ring.length * 2];
      for (int i = 0; i < size; i++) {
        grown[i] = at(i);
      }
      ring = grown;
      first = 0;
    }
    ring[(first + size) & (ring.length - 1)] = message;
    size++;
    if (message.answer() == Answer.READY_FOR_QUERY) {
      readiesOwed++;
    }
  }

  FrontendMessage removeHead() {
    FrontendMessage message = ring[first];
    ring[first] = null;
    first = (first + 1) & (ring.length - 1);
    size--;
    if (message.answer() == Answer.READY_FOR_QUERY) {
      readiesOwed--;
    }
    return message;
  }

  /** Takes the {@code index}th oldest out; those behind it move up. */
  void removeAt(int index) {
    FrontendMessage removed = at(index);
    for (int i = index; i < size - 1; i++) {
      ring[(first + i) & (ring.length - 1)] = at(i + 1);
    }
    ring[(first + size - 1) & (ring.length - 1)] = null;
    size--;
    if (removed.answer() == Answer.READY_FOR_QUERY) {
      readiesOwed--;
    }
  }
}
