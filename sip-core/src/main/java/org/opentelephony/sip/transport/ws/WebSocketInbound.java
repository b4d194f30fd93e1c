package org.opentelephony.sip.transport.ws;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a client sends on a SIP WebSocket, checked before the SIP stack sees it. The stack's own
 * WebSocket code trusts its input: it echoes any subprotocol, feeds every data frame (binary,
 * fragments, garbage) into one SIP stream parser, so one bad frame corrupts the next message or
 * kills the connection, and it buffers frames of any announced length. This class keeps the
 * connection to what RFC 7118 allows:
 *
 * <ul>
 *   <li>the opening handshake must offer subprotocol {@code sip} (answered 400 otherwise), and is
 *       passed on offering only {@code sip};
 *   <li>each text or binary frame must hold exactly one SIP message (a start line, headers, a
 *       body of Content-Length bytes) or only CRLFs (keep-alive); anything else is dropped and
 *       counted, and the connection goes on;
 *   <li>frames longer than the limit are skipped without being buffered; fragmented messages are
 *       dropped; pings are answered;
 *   <li>protocol violations (unmasked frames, reserved bits or opcodes) close the connection.
 * </ul>
 *
 * A state machine over the byte stream, with no I/O: {@link #feed} returns what to do.
 */
public final class WebSocketInbound {
  /** Where in the stream the decoder is. */
  enum State { HANDSHAKE, FRAME_HEADER, FRAME_PAYLOAD, SKIPPING, CLOSED }

  /** What the channel must do with the input. */
  public sealed interface Action {
  }

  /** Hand these bytes to the SIP stack (the handshake, or one complete good frame as received). */
  public record Pass(byte[] bytes) implements Action {
  }

  /** Send these bytes to the client as they are (a pong, or an HTTP error). */
  public record Reply(byte[] bytes) implements Action {
  }

  /** A frame was dropped; the connection goes on. */
  public record Drop(String reason) implements Action {
  }

  /** The client closed (a close frame): answer with {@code reply}, then close the connection. */
  public record Close(byte[] reply) implements Action {
  }

  /** The connection must be closed (after sending {@code reply}, when not null). */
  public record Fail(String reason, byte[] reply) implements Action {
  }

  static final int MAX_HANDSHAKE = 8192;
  private static final Pattern REQUEST_LINE =
      Pattern.compile("[A-Z]{2,16} [^ \\r\\n]{3,} SIP/2\\.0");
  private static final Pattern STATUS_LINE = Pattern.compile("SIP/2\\.0 [1-6][0-9]{2} [^\\r\\n]*");
  private static final byte[] BAD_HANDSHAKE = ("HTTP/1.1 400 Bad Request\r\n"
      + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

  private final int maxFrame;
  private State state = State.HANDSHAKE;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private long skipLeft;
  private boolean inFragmentedMessage;

  /** @param maxFrame the longest frame payload accepted (longer ones are skipped) */
  public WebSocketInbound(int maxFrame) {
    this.maxFrame = maxFrame;
  }

  State state() {
    return state;
  }

  /** Consumes bytes read from the connection. */
  public List<Action> feed(byte[] bytes) {
    List<Action> out = new ArrayList<>(1);
    if (state == State.CLOSED || bytes.length == 0) {
      return out;
    }
    pending.write(bytes, 0, bytes.length);
    byte[] buf = pending.toByteArray();
    int pos = 0;
    while (state != State.CLOSED) {
      State before = state;
      int used = switch (state) {
        case HANDSHAKE -> handshake(buf, pos, out);
        case FRAME_HEADER, FRAME_PAYLOAD -> frame(buf, pos, out);
        case SKIPPING -> skip(buf, pos);
        case CLOSED -> 0;
      };
      if (used == 0 && state == before) {
        break;
      }
      pos += used;
    }
    pending.reset();
    if (state != State.CLOSED) {
      pending.write(buf, pos, buf.length - pos);
    }
    return out;
  }

  // ------------------------------------------------------------------ handshake

  private int handshake(byte[] b, int from, List<Action> out) {
    int end = indexOf(b, from, "\r\n\r\n");
    if (end < 0) {
      if (b.length - from > MAX_HANDSHAKE) {
        fail(out, "handshake too long", BAD_HANDSHAKE);
      }
      return 0;
    }
    String head = new String(b, from, end + 4 - from, StandardCharsets.ISO_8859_1);
    String[] lines = head.split("\r\n");
    if (!lines[0].startsWith("GET ") || !lines[0].endsWith(" HTTP/1.1")) {
      fail(out, "not a WebSocket handshake", BAD_HANDSHAKE);
      return 0;
    }
    boolean sip = false;
    boolean key = false;
    StringBuilder rebuilt = new StringBuilder(head.length());
    rebuilt.append(lines[0]).append("\r\n");
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      String name = colon > 0 ? line.substring(0, colon).trim().toLowerCase(Locale.ROOT) : "";
      String value = colon > 0 ? line.substring(colon + 1).trim() : "";
      if (name.equals("sec-websocket-protocol")) {
        for (String p : value.split(",")) {
          sip |= p.trim().equalsIgnoreCase("sip");
        }
        continue; // put back below as exactly "sip"
      }
      if (name.equals("sec-websocket-extensions")) {
        continue; // no extension is negotiated
      }
      key |= name.equals("sec-websocket-key") && !value.isEmpty();
      rebuilt.append(line).append("\r\n");
    }
    if (!sip || !key) {
      fail(out, sip ? "no Sec-WebSocket-Key" : "subprotocol sip not offered", BAD_HANDSHAKE);
      return 0;
    }
    rebuilt.append("Sec-WebSocket-Protocol: sip\r\n\r\n");
    out.add(new Pass(rebuilt.toString().getBytes(StandardCharsets.ISO_8859_1)));
    state = State.FRAME_HEADER;
    return end + 4 - from;
  }

  // ------------------------------------------------------------------ frames

  private int frame(byte[] b, int from, List<Action> out) {
    int avail = b.length - from;
    if (avail < 2) {
      return 0;
    }
    int b0 = b[from] & 0xff;
    int b1 = b[from + 1] & 0xff;
    boolean fin = (b0 & 0x80) != 0;
    int rsv = b0 & 0x70;
    int opcode = b0 & 0x0f;
    boolean masked = (b1 & 0x80) != 0;
    int len7 = b1 & 0x7f;
    int headerLen = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
    if (rsv != 0) {
      return fail(out, "reserved bits set", null);
    }
    if (!masked) {
      return fail(out, "unmasked client frame", null);
    }
    boolean control = opcode >= 8;
    if (control ? opcode > 10 : opcode > 2) {
      return fail(out, "reserved opcode " + opcode, null);
    }
    if (control && (!fin || len7 > 125)) {
      return fail(out, "bad control frame", null);
    }
    if (avail < headerLen) {
      state = State.FRAME_HEADER;
      return 0;
    }
    long length = len7;
    if (len7 == 126) {
      length = ((b[from + 2] & 0xffL) << 8) | (b[from + 3] & 0xffL);
    } else if (len7 == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | (b[from + 2 + i] & 0xffL);
      }
      if (length < 0) {
        return fail(out, "negative length", null);
      }
    }
    boolean dataFrame = !control;
    // a complete text/binary frame is taken even inside a broken fragmented message (lenient)
    boolean fragment = dataFrame && (!fin || opcode == 0);
    if (dataFrame && !fragment) {
      inFragmentedMessage = false;
    }
    if (length > maxFrame || fragment) {
      // dropped without buffering: skip the payload as it arrives
      if (dataFrame) {
        if (opcode != 0 || !inFragmentedMessage) {
          out.add(new Drop(fragment ? "fragmented" : "oversized"));
        }
        inFragmentedMessage = !fin;
      }
      skipLeft = length;
      state = State.SKIPPING;
      return headerLen;
    }
    if (avail < headerLen + length) {
      state = State.FRAME_PAYLOAD;
      return 0;
    }
    int total = headerLen + (int) length;
    byte[] payload = new byte[(int) length];
    int maskAt = from + headerLen - 4;
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (b[from + headerLen + i] ^ b[maskAt + (i & 3)]);
    }
    state = State.FRAME_HEADER;
    switch (opcode) {
      case 8 -> {
        out.add(new Close(closeReply(payload)));
        state = State.CLOSED;
      }
      case 9 -> out.add(new Reply(serverFrame(0x8A, payload)));
      case 10 -> {
        // pong: nothing to do
      }
      default -> {
        String problem = sipProblem(payload);
        if (problem == null) {
          byte[] raw = new byte[total];
          System.arraycopy(b, from, raw, 0, total);
          out.add(new Pass(raw));
        } else {
          out.add(new Drop(problem));
        }
      }
    }
    return total;
  }

  private int skip(byte[] b, int from) {
    int n = (int) Math.min(b.length - from, skipLeft);
    skipLeft -= n;
    if (skipLeft == 0) {
      state = State.FRAME_HEADER;
    }
    return n;
  }

  private int fail(List<Action> out, String reason, byte[] reply) {
    out.add(new Fail(reason, reply));
    state = State.CLOSED;
    return 0;
  }

  /**
   * Null when {@code p} is one SIP message whose body is exactly Content-Length long, or only
   * CRLFs (a keep-alive); else why not.
   */
  static String sipProblem(byte[] p) {
    if (p.length == 0) {
      return "empty";
    }
    boolean crlfOnly = true;
    for (byte x : p) {
      crlfOnly &= x == '\r' || x == '\n';
    }
    if (crlfOnly) {
      return p.length <= 4 ? null : "not SIP";
    }
    int headEnd = indexOf(p, 0, "\r\n\r\n");
    if (headEnd < 0) {
      return "not SIP";
    }
    String head = new String(p, 0, headEnd, StandardCharsets.ISO_8859_1);
    int eol = head.indexOf("\r\n");
    String start = eol < 0 ? head : head.substring(0, eol);
    if (!REQUEST_LINE.matcher(start).matches() && !STATUS_LINE.matcher(start).matches()) {
      return "not SIP";
    }
    long declared = 0;
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("l")) {
        try {
          declared = Long.parseLong(line.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
          return "bad Content-Length";
        }
      }
    }
    int body = p.length - headEnd - 4;
    return declared == body ? null : "Content-Length mismatch";
  }

  private static byte[] closeReply(byte[] payload) {
    // echo the client's status code (RFC 6455 5.5.1), 1000 when it gave none
    byte[] code = payload.length >= 2 ? new byte[] {payload[0], payload[1]}
        : new byte[] {0x03, (byte) 0xE8};
    return serverFrame(0x88, code);
  }

  /** An unmasked server frame with a payload of at most 125 bytes. */
  static byte[] serverFrame(int firstByte, byte[] payload) {
    byte[] f = new byte[2 + payload.length];
    f[0] = (byte) firstByte;
    f[1] = (byte) payload.length;
    System.arraycopy(payload, 0, f, 2, payload.length);
    return f;
  }

  private static int indexOf(byte[] b, int from, String s) {
    byte[] n = s.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = from; i <= b.length - n.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (b[i + j] != n[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
