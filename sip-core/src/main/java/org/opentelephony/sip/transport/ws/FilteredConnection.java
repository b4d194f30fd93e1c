package org.opentelephony.sip.transport.ws;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The part a ws and a wss connection share: the client's bytes go through
 * {@link WebSocketInbound} before the stack sees them, and the close is reported once. The two
 * channels differ only in how bytes reach the stack and the wire ({@link Io}): the stack's
 * WebSocket channel classes have no common base that would let one class do both.
 */
final class FilteredConnection {
  /** How one kind of channel passes bytes on and answers the client. */
  interface Io {
    /** Hands one whole SIP message to the stack's parser. */
    void pass(byte[] sipMessage) throws Exception;

    /** Queues bytes for the client (a pong). */
    void reply(byte[] bytes) throws IOException;

    /** Answers the client's close frame; throw to make the stack close the connection now. */
    void closeReply(byte[] bytes) throws IOException;

    /** Sends what a protocol violation gets before the connection is closed (may be lost). */
    void failReply(byte[] bytes) throws IOException;
  }

  private final WsHooks hooks;
  private final String transport;
  private final WebSocketInbound inbound;
  private final AtomicBoolean reported = new AtomicBoolean();

  FilteredConnection(WsHooks hooks, String transport) {
    this.hooks = hooks;
    this.transport = transport;
    this.inbound = new WebSocketInbound(hooks.maxFrame());
  }

  /** Bytes from the client (after TLS for wss). */
  void feed(byte[] bytes, Io io) throws Exception {
    for (WebSocketInbound.Action a : inbound.feed(bytes)) {
      if (a instanceof WebSocketInbound.Pass p) {
        io.pass(p.bytes());
      } else if (a instanceof WebSocketInbound.Reply r) {
        io.reply(r.bytes());
      } else if (a instanceof WebSocketInbound.Drop d) {
        hooks.dropped(d.reason());
      } else if (a instanceof WebSocketInbound.Close c) {
        io.closeReply(c.reply());
      } else if (a instanceof WebSocketInbound.Fail f) {
        if (f.reply() != null) {
          io.failReply(f.reply());
        }
        hooks.protocolError(f.reason());
        throw new IOException("WebSocket protocol violation: " + f.reason());
      }
    }
  }

  /** The stack closed the connection (any reason): reported once, with the peer's address. */
  void closed(String peerAddress, int peerPort) {
    if (peerAddress != null && reported.compareAndSet(false, true)) {
      hooks.closed(transport, peerAddress, peerPort);
    }
  }
}
