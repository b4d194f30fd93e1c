package org.opentelephony.sip.transport;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.StringMsgParserFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.text.ParseException;

/**
 * The stack's message parser (installed through {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY})
 * made stricter where the stock RI parser is lenient: a request that repeats a header which must
 * appear once (RFC 4475 3.3.8/3.3.9) is a parse error, answered 400 by the stack; a request line
 * whose version is not SIP/2.0 (which the RI silently reports as 2.0) is marked so that the
 * server can answer 505.
 */
public final class StrictMessageParserFactory implements MessageParserFactory {
  /** Application data put on a request whose SIP-Version is not 2.0. */
  public static final Object BAD_VERSION = new Object() {
    @Override
    public String toString() {
      return "unsupported SIP version";
    }
  };

  private static final String[] SINGLE = {
      "call-id", "i", "cseq", "from", "f", "to", "t", "max-forwards", "content-length", "l"};
  private static final int[] CANONICAL = {0, 0, 1, 2, 2, 3, 3, 4, 5, 5};

  private final MessageParserFactory stock = new StringMsgParserFactory();

  @Override
  public MessageParser createMessageParser(SIPTransactionStack stack) {
    MessageParser inner = stock.createMessageParser(stack);
    return (bytes, readBody, strict, listener) -> {
      boolean badVersion = checkHeaders(bytes);
      SIPMessage m = inner.parseSIPMessage(bytes, readBody, strict, listener);
      if (badVersion && m instanceof SIPRequest) {
        m.setApplicationData(BAD_VERSION);
      }
      return m;
    };
  }

  /**
   * Scans the header section once, byte by byte (this runs for every message): throws on a
   * repeated single-instance header, returns true when a request line's version is not 2.0.
   */
  static boolean checkHeaders(byte[] b) throws ParseException {
    int i = 0;
    while (i < b.length && (b[i] == '\r' || b[i] == '\n')) {
      i++;
    }
    int lineEnd = endOfLine(b, i);
    boolean badVersion = isRequestWithBadVersion(b, i, lineEnd);
    int seen = 0;
    i = next(b, lineEnd);
    while (i < b.length) {
      int end = endOfLine(b, i);
      if (end == i) {
        break; // empty line: end of headers
      }
      if (b[i] != ' ' && b[i] != '\t') {
        int colon = i;
        while (colon < end && b[colon] != ':') {
          colon++;
        }
        int nameEnd = colon;
        while (nameEnd > i && (b[nameEnd - 1] == ' ' || b[nameEnd - 1] == '\t')) {
          nameEnd--;
        }
        for (int k = 0; k < SINGLE.length; k++) {
          if (equalsIgnoreCase(b, i, nameEnd, SINGLE[k])) {
            int bit = 1 << CANONICAL[k];
            if ((seen & bit) != 0) {
              throw new ParseException("Duplicate " + SINGLE[k] + " header", i);
            }
            seen |= bit;
            break;
          }
        }
      }
      i = next(b, end);
    }
    return badVersion;
  }

  private static boolean isRequestWithBadVersion(byte[] b, int start, int end) {
    if (end - start >= 4 && equalsIgnoreCase(b, start, start + 4, "sip/")) {
      return false; // a status line
    }
    int stop = end;
    while (stop > start && (b[stop - 1] == ' ' || b[stop - 1] == '\t')) {
      stop--; // trailing whitespace is tolerated (RFC 4475 3.1.2.10)
    }
    int v = stop;
    while (v > start && b[v - 1] != ' ' && b[v - 1] != '\t') {
      v--;
    }
    return !equalsIgnoreCase(b, v, stop, "sip/2.0");
  }

  private static int endOfLine(byte[] b, int i) {
    while (i < b.length && b[i] != '\r' && b[i] != '\n') {
      i++;
    }
    return i;
  }

  private static int next(byte[] b, int lineEnd) {
    int i = lineEnd;
    if (i < b.length && b[i] == '\r') {
      i++;
    }
    if (i < b.length && b[i] == '\n') {
      i++;
    }
    return i;
  }

  private static boolean equalsIgnoreCase(byte[] b, int from, int to, String lower) {
    if (to - from != lower.length()) {
      return false;
    }
    for (int k = 0; k < lower.length(); k++) {
      int c = b[from + k];
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != lower.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
