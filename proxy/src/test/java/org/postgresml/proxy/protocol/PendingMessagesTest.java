package org.postgresml.proxy.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ring under {@link Conversation}: order kept through wrap-around, growth and removal, ReadyForQuery owed counted. */
class PendingMessagesTest {

  private final PendingMessages pending = new PendingMessages();

  private List<FrontendMessage> contents() {
    List<FrontendMessage> all = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      all.add(pending.at(i));
    }
    return all;
  }

  @Test
  void keepsTheOrderSentThroughWrapAroundAndGrowth() {
    // Wrap the ring first, so growing has to unroll it.
    for (int i = 0; i < 10; i++) {
      pending.push(FrontendMessage.PARSE);
      pending.removeHead();
    }
    List<FrontendMessage> sent = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      FrontendMessage message = i % 3 == 0 ? FrontendMessage.SYNC : i % 3 == 1 ? FrontendMessage.BIND : FrontendMessage.QUERY;
      pending.push(message);
      sent.add(message);
    }
    assertThat(contents()).isEqualTo(sent);
    assertThat(pending.readiesOwed()).as("the Syncs and Queries").isEqualTo(27);
    for (FrontendMessage expected : sent) {
      assertThat(pending.removeHead()).isEqualTo(expected);
    }
    assertThat(pending.size()).isZero();
    assertThat(pending.readiesOwed()).isZero();
  }

  @Test
  void removingFromTheMiddleMovesTheRestUpAndCountsWhatItTook() {
    pending.push(FrontendMessage.QUERY);
    pending.push(FrontendMessage.SYNC);
    pending.push(FrontendMessage.COPY_DONE);
    pending.removeAt(1);
    assertThat(contents()).containsExactly(FrontendMessage.QUERY, FrontendMessage.COPY_DONE);
    assertThat(pending.readiesOwed()).isEqualTo(1);
    assertThat(pending.head()).isEqualTo(FrontendMessage.QUERY);
  }

  @Test
  void clearForgetsEverything() {
    pending.push(FrontendMessage.QUERY);
    pending.push(FrontendMessage.EXECUTE);
    pending.clear();
    assertThat(pending.size()).isZero();
    assertThat(pending.readiesOwed()).isZero();
    pending.push(FrontendMessage.FLUSH);
    assertThat(contents()).containsExactly(FrontendMessage.FLUSH);
  }
}
