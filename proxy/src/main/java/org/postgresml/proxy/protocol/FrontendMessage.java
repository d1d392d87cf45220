package org.postgresml.proxy.protocol;

/**
 * Every frontend message type of protocol 3.0 (3.2 adds none) and what the server answers it
 * with: the table {@link Conversation} keeps its accounts by. A type not listed here is not
 * PostgreSQL's, and the proxy refuses it rather than guess what it is owed.
 */
public enum FrontendMessage {
  /** Its results (several statements, an error, a COPY alike), then exactly one ReadyForQuery. */
  QUERY(MessageType.QUERY, Answer.READY_FOR_QUERY, ""),
  /** Fast path (large objects): FunctionCallResponse or ErrorResponse, then ReadyForQuery. */
  FUNCTION_CALL(MessageType.FUNCTION_CALL, Answer.READY_FOR_QUERY, ""),
  /** Ends an extended-protocol batch (and a skip after an error in it) with one ReadyForQuery. */
  SYNC(MessageType.SYNC, Answer.READY_FOR_QUERY, ""),
  PARSE(MessageType.PARSE, Answer.OWN_REPLY, "1"),
  BIND(MessageType.BIND, Answer.OWN_REPLY, "2"),
  /** ParameterDescription (statements only), then RowDescription or NoData. */
  DESCRIBE(MessageType.DESCRIBE, Answer.OWN_REPLY, "Tn"),
  /** Rows (or a COPY), then CommandComplete, EmptyQueryResponse or PortalSuspended. */
  EXECUTE(MessageType.EXECUTE, Answer.OWN_REPLY, "CIs"),
  CLOSE(MessageType.CLOSE, Answer.OWN_REPLY, "3"),
  /** Asks for pending output; no reply of its own. */
  FLUSH(MessageType.FLUSH, Answer.NOTHING, ""),
  COPY_DATA(MessageType.COPY_DATA, Answer.PART_OF_COPY, ""),
  COPY_DONE(MessageType.COPY_DONE, Answer.PART_OF_COPY, ""),
  COPY_FAIL(MessageType.COPY_FAIL, Answer.PART_OF_COPY, ""),
  /** The client leaves; nothing is answered. */
  TERMINATE(MessageType.TERMINATE, Answer.NOTHING, ""),
  /** PasswordMessage, SASLInitialResponse, SASLResponse, GSSResponse: the login's, never later. */
  PASSWORD(MessageType.PASSWORD_MESSAGE, Answer.LOGIN_ONLY, "");

  /** What the server sends back for a message. */
  public enum Answer {
    /** Its results, if any, then exactly one ReadyForQuery, whatever happens. */
    READY_FOR_QUERY,
    /**
     * One reply of its own (listed in {@link #completedBy}) or an ErrorResponse, and no
     * ReadyForQuery; after an ErrorResponse the server skips every message up to the next Sync.
     */
    OWN_REPLY,
    /** Nothing. */
    NOTHING,
    /** Data of the running COPY FROM STDIN (which ends at CopyDone or CopyFail); outside one, ignored. */
    PART_OF_COPY,
    /** Only during the login. */
    LOGIN_ONLY
  }

  private static final FrontendMessage[] BY_TYPE = new FrontendMessage[128];

  static {
    for (FrontendMessage message : values()) {
      BY_TYPE[message.type] = message;
    }
  }

  private final byte type;
  private final Answer answer;
  /** The backend message types that complete an OWN_REPLY message (besides an ErrorResponse). */
  private final String completions;

  FrontendMessage(byte type, Answer answer, String completions) {
    this.type = type;
    this.answer = answer;
    this.completions = completions;
  }

  /** The message of a type byte, or null for a type protocol 3.0 does not have. */
  public static FrontendMessage of(byte type) {
    return type >= 0 ? BY_TYPE[type] : null;
  }

  public byte type() {
    return type;
  }

  public Answer answer() {
    return answer;
  }

  /** Whether a logged-in client may send it (everything but the login's messages). */
  public boolean relayable() {
    return answer != Answer.LOGIN_ONLY;
  }

  /** Whether this backend message is the last reply to this message. */
  public boolean completedBy(byte backendType) {
    return answer == Answer.READY_FOR_QUERY ? backendType == MessageType.READY_FOR_QUERY
        : completions.indexOf(backendType) >= 0;
  }
}
